package main

import "errors"

var errNoNet = errors.New("network workloads need issue 3 (networking) first")
