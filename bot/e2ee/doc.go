//go:build goolm

// Package e2ee is the bot's end-to-end encryption: its own Matrix device
// (logged in through the appservice, with the same device ID at every
// start), the olm/megolm crypto store in the bot's database, the device's
// cross-signing, and the device's /sync loop for to-device messages
// (room keys), which Dendrite does not push in transactions.
//
// It needs the goolm build tag (pure-Go olm); without it the package is nogoolm.go, which refuses to open a device.
// docs/encryption.md describes what it does and what it does not yet.
package e2ee
