//go:build !benchnet

package main

import "errors"

// netUpLinux is in net_linux_amd64.go, built only with -tags benchnet: it
// uses package net, and a unigo image of a program that imports net links
// the netstack service, which the workloads without a network must not pay
// for.
func netUpLinux() error {
	return errors.New("network workloads need the guest built with -tags benchnet")
}
