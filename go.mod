module github.com/unigo-os/unigo

go 1.26
