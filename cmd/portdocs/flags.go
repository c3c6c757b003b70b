package main

import (
	"errors"
	"flag"
	"io"
)

// argSpec is what a file subcommand (check, loa, verify) accepts besides its flags,
// and the one usage line it answers with when the command line does not fit.
type argSpec struct {
	usage      string    // "usage: portdocs verify FILE": the whole error message
	positional int       // how many arguments besides the flags
	required   []*string // flags that must be given (not empty)
	// interspersed lets flags follow the arguments too ("check bill.pdf --request
	// req.json"); otherwise the first argument ends the flags, as package flag does.
	interspersed bool
}

// newFlagSet is a subcommand's FlagSet: it reports to stderr and returns its errors
// instead of exiting, so run decides the exit status.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses the command line with fs and returns the positional arguments. A flag
// error (or -h) has already been printed with fs's usage: it returns errUsageShown (exit
// 2). A wrong number of arguments or a missing required flag returns the usage line as
// the error (exit 1, printed as one "portdocs: usage: ..." line).
func (a argSpec) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsageShown
		}
		// Parse drops a "--" and stops there: everything after it is an argument, even
		// when flags may follow the file ("check -- x -n": two files, no flag).
		consumed := len(args) - fs.NArg()
		if !a.interspersed || fs.NArg() == 0 || (consumed > 0 && args[consumed-1] == "--") {
			rest = append(rest, fs.Args()...)
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(rest) != a.positional {
		return nil, errors.New(a.usage)
	}
	for _, f := range a.required {
		if *f == "" {
			return nil, errors.New(a.usage)
		}
	}
	return rest, nil
}
