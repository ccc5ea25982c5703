// Package ledger is the domain of Exodus: members, circles, guarantees (the
// trust network), and the rules that govern them. It imports the standard
// library only and knows nothing of Matrix, SQL or HTTP: the store, bot and
// web packages speak its types.
//
// Its sub-packages import it, never the reverse: grammar is the chat's
// command language (the words of each verb, and the parser of a message
// into a Command); access is the web and API access (tokens, login links,
// sessions) over the AccessStore.
package ledger
