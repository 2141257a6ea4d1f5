package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/centerdesk/centerdesk/internal/config"
)

// errHelpShown ends a command whose help was asked for (-h, --help): the
// help went to standard output and the process exits 0, as a reader who
// asked for help expects.
var errHelpShown = errors.New("help shown")

// subcommand is one verb of a command group (user create, mailbox add).
type subcommand struct{ name, usage string }

// groups are the commands that need a verb, with their verbs, for
// `centerdesk mailbox -h` and a missing or unknown verb.
var groups = map[string][]subcommand{
	"user":  {{"create", "add a user (password from standard input, or generated)"}},
	"token": {{"create", "print a new API token for a user"}},
	"mailbox": {
		{"add", "add a support mailbox"},
		{"list", "show the mailboxes (never their passwords)"},
		{"remove", "delete a mailbox, keeping its tickets"},
	},
}

// isHelp says whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// groupVerb returns the verb args start with, or errHelpShown after
// printing the group's verbs when args ask for help, or an error listing
// them when the verb is missing.
func (e *cliEnv) groupVerb(group string, args []string) (string, error) {
	if len(args) > 0 && isHelp(args[0]) {
		printGroup(e.stdout, group)
		return "", errHelpShown
	}
	if len(args) == 0 {
		var b strings.Builder
		printGroup(&b, group)
		return "", errors.New("a verb is missing\n\n" + strings.TrimRight(b.String(), "\n"))
	}
	return args[0], nil
}

// unknownVerb is the error for a verb the group does not have.
func unknownVerb(group, verb string) error {
	var b strings.Builder
	printGroup(&b, group)
	return fmt.Errorf("unknown verb %q\n\n%s", verb, strings.TrimRight(b.String(), "\n"))
}

func printGroup(w io.Writer, group string) {
	fmt.Fprintf(w, "Usage: centerdesk %s VERB [flags]\n\nVerbs:\n", group)
	for _, s := range groups[group] {
		fmt.Fprintf(w, "  %-8s %s\n", s.name, s.usage)
	}
	fmt.Fprintf(w, "\nRun `centerdesk %s VERB -h` for a verb's flags.\n", group)
}

// ownFlags names the flags a command defined itself, before the settings
// every command shares were added.
func ownFlags(fs *flag.FlagSet) map[string]bool {
	own := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { own[f.Name] = true })
	return own
}

// printCommandHelp writes a command's own flags, then the settings every
// command takes, to w.
func printCommandHelp(w io.Writer, fs *flag.FlagSet, own map[string]bool) {
	fmt.Fprintf(w, "Usage: %s [flags]\n", fs.Name())
	if len(own) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.VisitAll(func(f *flag.Flag) {
			if own[f.Name] {
				printFlag(w, f)
			}
		})
	}
	fmt.Fprintln(w, "\nSettings (every command takes them; the environment variable works too, a flag wins):")
	fs.VisitAll(func(f *flag.Flag) {
		if !own[f.Name] {
			printFlag(w, f)
		}
	})
}

func printFlag(w io.Writer, f *flag.Flag) {
	line := "  --" + f.Name
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
		line += " (default " + f.DefValue + ")"
	}
	fmt.Fprintf(w, "%s\n      %s\n", line, f.Usage)
}

// load reads a command's flags and the settings every command shares from
// args and the environment. After -h it has printed the command's help to
// standard output and returns errHelpShown.
func (e *cliEnv) load(fs *flag.FlagSet, args []string) (config.Config, []string, error) {
	own := ownFlags(fs)
	fs.Usage = func() {} // help goes to stdout below; errors say how to get it
	cfg, rest, err := config.Load(fs, args, e.getenv)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(e.stdout, fs, own)
		return cfg, rest, errHelpShown
	}
	if err != nil && isFlagSyntax(err) {
		return cfg, rest, fmt.Errorf("%w (run `%s -h` for its flags)", err, fs.Name())
	}
	return cfg, rest, err
}

// isFlagSyntax says whether err came from parsing the command line, not
// from checking a setting's value.
func isFlagSyntax(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "flag provided but not defined") || strings.HasPrefix(s, "invalid value") ||
		strings.HasPrefix(s, "invalid boolean") || strings.HasPrefix(s, "bad flag syntax") ||
		strings.HasPrefix(s, "flag needs an argument")
}
