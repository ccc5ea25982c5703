package devnet

import (
	"context"
	"errors"
)

// Restart stops Dendrite as Stop does and launches it again with the same
// Dir, ports, dendrite.yaml and registrations, then waits until it answers
// as Start does (at most StartTimeout, or until ctx ends). The databases
// and the signing key are kept, so users, rooms and access tokens survive,
// and URL and the other fields stay as they were; what Dendrite keeps in
// memory only is lost (the transaction IDs of recent sends, the events not
// yet pushed to appservices: devnet runs JetStream in memory). Stop stops
// the new process. Restart must not run concurrently with Stop or another
// Restart.
func (h *Homeserver) Restart(ctx context.Context) error {
	stopErr := h.Stop()
	if err := h.run(ctx); err != nil {
		return errors.Join(stopErr, err)
	}
	return nil
}
