package main

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"testing"
)

// TestArgSpecParse is the command-line contract of the file subcommands (check, loa,
// verify): what parses, and exactly what the user is told when it does not. A flag
// error is printed by the FlagSet (with the command's usage) and comes back as
// errUsageShown, exit 2; a wrong argument count or a missing required flag comes back
// as the usage line itself, exit 1, with nothing printed (main prints that one line).
func TestArgSpecParse(t *testing.T) {
	const (
		verifyUsage = "usage: portdocs verify FILE"
		checkUsage  = "usage: portdocs check --request REQ.json FILE"
		loaUsage    = "usage: portdocs loa --request REQ.json --out LOA.pdf"
	)
	// The shapes the real subcommands use; each case names its required flags.
	type shape struct {
		usage        string
		positional   int
		required     []string
		interspersed bool
	}
	verify := shape{usage: verifyUsage, positional: 1}
	check := shape{usage: checkUsage, positional: 1, required: []string{"request"}, interspersed: true}
	loa := shape{usage: loaUsage, required: []string{"request", "out"}}
	two := shape{usage: "usage: test A B", positional: 2, interspersed: true}

	for _, tc := range []struct {
		name  string
		shape shape
		args  []string

		wantRest  []string          // positional arguments on success
		wantFlags map[string]string // flag values after parsing, as flag.Value.String
		wantErr   string            // exact error message; "" for success
		wantShown bool              // the error is errUsageShown (already printed)
		// wantStderr is exactly what parse (through the FlagSet) printed.
		wantStderr string
	}{
		// Success.
		{name: "one file", shape: verify, args: []string{"seal.pdf"}, wantRest: []string{"seal.pdf"},
			wantFlags: map[string]string{"json": "false"}},
		{name: "bool flag before the file", shape: verify, args: []string{"-json", "seal.pdf"}, wantRest: []string{"seal.pdf"},
			wantFlags: map[string]string{"json": "true"}},
		{name: "flags first", shape: check, args: []string{"--request", "r.json", "bill.pdf"}, wantRest: []string{"bill.pdf"},
			wantFlags: map[string]string{"request": "r.json"}},
		{name: "interspersed: flags after the file", shape: check, args: []string{"bill.pdf", "--request", "r.json", "--now", "2026-10-13"},
			wantRest: []string{"bill.pdf"}, wantFlags: map[string]string{"request": "r.json", "now": "2026-10-13"}},
		{name: "interspersed: flags on both sides", shape: check, args: []string{"--now", "2026-10-13", "bill.pdf", "-request=r.json"},
			wantRest: []string{"bill.pdf"}, wantFlags: map[string]string{"request": "r.json", "now": "2026-10-13"}},
		{name: "interspersed: arguments keep their order", shape: two, args: []string{"a", "-json", "b"},
			wantRest: []string{"a", "b"}, wantFlags: map[string]string{"json": "true"}},
		{name: "no positional, all required flags", shape: loa, args: []string{"--request", "r.json", "--out", "loa.pdf"},
			wantRest: nil, wantFlags: map[string]string{"request": "r.json", "out": "loa.pdf"}},

		// "--" ends the flags: what follows is an argument even if it looks like a flag.
		{name: "-- before a file named like a flag", shape: verify, args: []string{"--", "-json"}, wantRest: []string{"-json"},
			wantFlags: map[string]string{"json": "false"}},
		{name: "-- after the flags", shape: check, args: []string{"--request", "r.json", "--", "-bill.pdf"}, wantRest: []string{"-bill.pdf"},
			wantFlags: map[string]string{"request": "r.json"}},
		{name: "interspersed: -- after an argument", shape: two, args: []string{"a", "--", "-json"},
			wantRest: []string{"a", "-json"}, wantFlags: map[string]string{"json": "false"}},
		{name: "interspersed: -- first, then an argument and a flag-like one", shape: two, args: []string{"--", "a", "-json"},
			wantRest: []string{"a", "-json"}, wantFlags: map[string]string{"json": "false"}},

		// Not interspersed: the first argument ends the flags, so a flag after it is an
		// argument, which makes one too many.
		{name: "flag after the file when not interspersed", shape: verify, args: []string{"seal.pdf", "-json"},
			wantErr: verifyUsage, wantFlags: map[string]string{"json": "false"}},

		// Wrong number of arguments: the usage line, nothing printed.
		{name: "no file", shape: verify, args: nil, wantErr: verifyUsage},
		{name: "two files", shape: verify, args: []string{"a.pdf", "b.pdf"}, wantErr: verifyUsage},
		{name: "only flags, no file", shape: check, args: []string{"--request", "r.json"}, wantErr: checkUsage},
		{name: "interspersed: two files around a flag", shape: check, args: []string{"a.pdf", "--request", "r.json", "b.pdf"}, wantErr: checkUsage},
		{name: "argument where none is taken", shape: loa, args: []string{"--request", "r.json", "--out", "loa.pdf", "extra"}, wantErr: loaUsage},

		// Missing required flags: the usage line, which names them.
		{name: "required flag missing", shape: check, args: []string{"bill.pdf"}, wantErr: checkUsage},
		{name: "required flag given empty", shape: check, args: []string{"--request", "", "bill.pdf"}, wantErr: checkUsage},
		{name: "second required flag missing", shape: loa, args: []string{"--request", "r.json"}, wantErr: loaUsage},
		{name: "first required flag missing", shape: loa, args: []string{"--out", "loa.pdf"}, wantErr: loaUsage},

		// Flag errors: printed by the FlagSet with the usage, returned as errUsageShown.
		{name: "-h", shape: verify, args: []string{"-h"}, wantShown: true, wantStderr: verifyUsage + "\n"},
		{name: "--help after a file", shape: check, args: []string{"bill.pdf", "--help"}, wantShown: true, wantStderr: checkUsage + "\n"},
		{name: "unknown flag", shape: verify, args: []string{"-x", "seal.pdf"}, wantShown: true,
			wantStderr: "flag provided but not defined: -x\n" + verifyUsage + "\n"},
		{name: "interspersed: unknown flag after the file", shape: check, args: []string{"bill.pdf", "--verbose"}, wantShown: true,
			wantStderr: "flag provided but not defined: -verbose\n" + checkUsage + "\n"},
		{name: "flag without its value", shape: check, args: []string{"bill.pdf", "--request"}, wantShown: true,
			wantStderr: "flag needs an argument: -request\n" + checkUsage + "\n"},
		{name: "bad bool value", shape: verify, args: []string{"-json=maybe", "seal.pdf"}, wantShown: true,
			wantStderr: `invalid boolean value "maybe" for -json: parse error` + "\n" + verifyUsage + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			fs := newFlagSet("test", &stderr)
			values := map[string]*string{
				"request": fs.String("request", "", "port request JSON"),
				"out":     fs.String("out", "", "output PDF"),
				"now":     fs.String("now", "", "date"),
			}
			fs.Bool("json", false, "print JSON")
			fs.Usage = func() { stderr.WriteString(tc.shape.usage + "\n") } // as the commands do
			spec := argSpec{usage: tc.shape.usage, positional: tc.shape.positional, interspersed: tc.shape.interspersed}
			for _, name := range tc.shape.required {
				spec.required = append(spec.required, values[name])
			}

			rest, err := spec.parse(fs, tc.args)

			switch {
			case tc.wantShown:
				if err != errUsageShown { // the sentinel itself: main prints nothing more
					t.Fatalf("parse(%q) = %v; want errUsageShown", tc.args, err)
				}
				if got := exitCode(err); got != 2 {
					t.Errorf("exit code %d; want 2", got)
				}
			case tc.wantErr != "":
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("parse(%q) error = %v; want exactly %q", tc.args, err, tc.wantErr)
				}
				if errors.Is(err, errUsageShown) || exitCode(err) != 1 {
					t.Errorf("usage line must not be errUsageShown: main prints it, exit 1")
				}
			default:
				if err != nil {
					t.Fatalf("parse(%q) = %v; want success", tc.args, err)
				}
				if !slices.Equal(rest, tc.wantRest) {
					t.Errorf("arguments %q; want %q", rest, tc.wantRest)
				}
			}
			if err != nil && rest != nil {
				t.Errorf("arguments %q returned with an error", rest)
			}
			if got := stderr.String(); got != tc.wantStderr {
				t.Errorf("stderr %q; want %q", got, tc.wantStderr)
			}
			for name, want := range tc.wantFlags {
				if got := fs.Lookup(name).Value.String(); got != want {
					t.Errorf("-%s = %q; want %q", name, got, want)
				}
			}
		})
	}
}

// TestNewFlagSet: a subcommand's FlagSet must report, not exit (run owns the exit
// status), and must write to the stderr it was given, not the process's.
func TestNewFlagSet(t *testing.T) {
	var stderr bytes.Buffer
	fs := newFlagSet("verify", &stderr)
	if fs.Name() != "verify" {
		t.Errorf("Name() = %q; want verify", fs.Name())
	}
	if fs.ErrorHandling() != flag.ContinueOnError {
		t.Errorf("ErrorHandling() = %v; want ContinueOnError", fs.ErrorHandling())
	}
	if fs.Output() != &stderr {
		t.Error("Output() is not the stderr given")
	}
	// Without a custom Usage the flag package's default names the subcommand.
	err := fs.Parse([]string{"-nope"})
	if err == nil || err.Error() != "flag provided but not defined: -nope" {
		t.Errorf("Parse error = %v; want the flag package's report", err)
	}
	if want := "flag provided but not defined: -nope\nUsage of verify:\n"; stderr.String() != want {
		t.Errorf("stderr %q; want %q", stderr.String(), want)
	}
}
