package main

import (
	"bytes"
	"reflect"
	"testing"
)

func TestAddSkips(t *testing.T) {
	const syncSkip = "^(?:TestIssue76126|TestMutexMisuse)$"
	cases := []struct {
		pkg  string
		args []string
		want []string
	}{
		{"strings", []string{"-test.short"}, []string{"-test.short"}},
		{"sync", []string{"-test.short"}, []string{"-test.skip=" + syncSkip, "-test.short"}},
		{"sync", []string{"-test.skip=Foo", "-test.v"}, []string{"-test.skip=Foo|" + syncSkip, "-test.v"}},
		{"sync", []string{"-test.skip", "Foo", "-test.v"}, []string{"-test.skip=Foo|" + syncSkip, "-test.v"}},
		{"sync", []string{"-test.skip", "A/B"}, []string{"-test.skip", "A/B"}},
		{"sync", []string{"--", "-test.skip=x"}, []string{"-test.skip=" + syncSkip, "--", "-test.skip=x"}},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		got := addSkips(c.pkg, c.args, &stderr)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q: got %q, want %q", c.pkg, c.args, got, c.want)
		}
	}
	var stderr bytes.Buffer
	addSkips("sync", nil, &stderr)
	want := "unigo: skipping sync TestIssue76126: it runs a subprocess (unigo runs one process)\n" +
		"unigo: skipping sync TestMutexMisuse: it runs a subprocess (unigo runs one process)\n"
	if stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}
