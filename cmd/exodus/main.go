// Command exodus runs the Exodus appservice: a Matrix bot for mutual aid
// between people who know each other.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	// Time zone data for cycle.time_zone on machines without it.
	_ "time/tzdata"
)

func main() {
	cfgPath := flag.String("c", "config.yaml", "path to the configuration file")
	generate := flag.Bool("g", false, "generate a registration with fresh tokens and put them into the config")
	regPath := flag.String("r", "registration.yaml", "the registration: where -g writes it (0600); at start, a warning if others can read it")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: exodus [-c config.yaml] [-g [-r registration.yaml]]\n"+
			"       exodus rebuild [-c config.yaml] [-force] [-max-events N]  (rebuild the ledger from the rooms)\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	switch {
	case flag.NArg() > 0 && flag.Arg(0) == "rebuild":
		os.Exit(rebuildMain(*cfgPath, flag.Args()[1:]))
	case flag.NArg() > 0:
		flag.Usage()
		os.Exit(2)
	}

	if *generate {
		if err := generateRegistration(*cfgPath, *regPath); err != nil {
			fmt.Fprintln(os.Stderr, "exodus:", err)
			os.Exit(1)
		}
		fmt.Printf("Wrote %s and put its tokens into %s.\nGive %s to your homeserver (app_service_api.config_files for Dendrite).\n", *regPath, *cfgPath, *regPath)
		return
	}
	cfg, err := LoadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exodus:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, *regPath); err != nil {
		fmt.Fprintln(os.Stderr, "exodus:", err)
		os.Exit(1)
	}
}
