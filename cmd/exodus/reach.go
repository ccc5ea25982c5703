package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// checkReach says, in one line, why the homeserver may never reach the
// bot, or "" when nothing is wrong that the bot can see: the bot asks its
// own health check at appservice.address (where the homeserver pushes,
// written into the registration), so a wrong host, port or path shows at
// once; a reverse proxy in front is fine. A firewall between the
// homeserver and the bot cannot be seen from here.
func checkReach(ctx context.Context, cfg *Config, client *http.Client) string {
	err := getOwnHealth(ctx, cfg.AppService.Address, client)
	if err == nil {
		return ""
	}
	if u, perr := url.Parse(cfg.AppService.Address); perr == nil && loopback(cfg.AppService.Hostname) && !loopback(u.Hostname()) {
		return fmt.Sprintf("appservice.address %s does not lead to this bot (%s), and appservice.hostname %s takes pushes from this machine only: "+
			"if the homeserver runs elsewhere set appservice.hostname to 0.0.0.0, else correct appservice.address, run exodus -g again and give the homeserver the new registration",
			cfg.AppService.Address, cause(err), cfg.AppService.Hostname)
	}
	return fmt.Sprintf("appservice.address %s does not lead to this bot (%s), which listens on %s: the homeserver pushes to that address, so the bot would hear nothing; "+
		"correct appservice.address, run exodus -g again and give the homeserver the new registration",
		cfg.AppService.Address, cause(err), net.JoinHostPort(cfg.AppService.Hostname, fmt.Sprint(cfg.AppService.Port)))
}

// getOwnHealth asks the bot's health check at address: nil if this bot
// answered (healthy or not).
func getOwnHealth(ctx context.Context, address string, client *http.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(address, "/")+healthPath, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// loopback reports whether a host name or address is this machine only.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
