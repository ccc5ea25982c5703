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
	regPath := flag.String("r", "registration.yaml", "where -g writes the registration")
	flag.Parse()

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
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "exodus:", err)
		os.Exit(1)
	}
}
