// Package ledger is the domain of Exodus: members, circles, guarantees (the
// trust network), and the rules that govern them. It imports the standard
// library only and knows nothing of Matrix, SQL or HTTP: the store, bot and
// web packages speak its types.
package ledger
