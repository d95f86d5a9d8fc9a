package vmm

import (
	"strings"
	"testing"
)

func TestCommandGolden(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{
			Config{Machine: "microvm", Accel: "tcg", MemBytes: 256 * MiB, CPUs: 1, Image: "/tmp/hello.img", Cmdline: "unigo.seed=00 -- arg=hello"},
			"qemu-system-x86_64 -M microvm,acpi=off -accel tcg -cpu max -m 256M -smp 1 " +
				"-nodefaults -no-user-config -display none -no-reboot " +
				"-chardev stdio,id=con,signal=off -serial chardev:con " +
				"-device isa-debug-exit,iobase=0x501,iosize=2 " +
				"-kernel /tmp/hello.img -append 'unigo.seed=00 -- arg=hello' " +
				"-global virtio-mmio.force-legacy=false -device virtio-rng-device",
		},
		{
			Config{QEMU: "/opt/q/qemu", Machine: "q35", Accel: "kvm", MemBytes: 2 * GiB, CPUs: 4, Image: "my prog.img", Cmdline: "x", Initrd: "root.tar"},
			"/opt/q/qemu -M q35 -accel kvm -cpu host -m 2048M -smp 4 " +
				"-nodefaults -no-user-config -display none -no-reboot " +
				"-chardev stdio,id=con,signal=off -serial chardev:con " +
				"-device isa-debug-exit,iobase=0x501,iosize=2 " +
				"-kernel 'my prog.img' -append x -device virtio-rng-pci -initrd root.tar",
		},
	}
	for _, c := range cases {
		argv, err := Command(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := ShellQuote(argv); got != c.want {
			t.Errorf("Command(%+v):\n got %s\nwant %s", c.cfg, got, c.want)
		}
	}
}

func TestCommandRejectsBadConfig(t *testing.T) {
	good := Config{Machine: "pc", Accel: "tcg", MemBytes: 64 * MiB, CPUs: 1, Image: "x"}
	bad := map[string]func(*Config){
		"machine":  func(c *Config) { c.Machine = "virt" },
		"accel":    func(c *Config) { c.Accel = "auto" },
		"mem":      func(c *Config) { c.MemBytes = 64*MiB + 1 },
		"zero mem": func(c *Config) { c.MemBytes = 0 },
		"cpus":     func(c *Config) { c.CPUs = 0 },
		"image":    func(c *Config) { c.Image = "" },
	}
	if _, err := Command(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for name, mut := range bad {
		c := good
		mut(&c)
		if _, err := Command(c); err == nil {
			t.Errorf("%s: Command succeeded, want error", name)
		}
	}
}

func TestShellQuote(t *testing.T) {
	got := ShellQuote([]string{"a", "", "b c", "it's", "x=1,y:2/3@4%", "$HOME"})
	want := `a '' 'b c' 'it'\''s' x=1,y:2/3@4% '$HOME'`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !strings.Contains(ShellQuote([]string{"\n"}), "'\n'") {
		t.Errorf("newline not quoted")
	}
}
