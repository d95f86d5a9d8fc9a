package main

import "unsafe"

func uintptrOf(p *[1 << 20]byte) uintptr { return uintptr(unsafe.Pointer(p)) }
