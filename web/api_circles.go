package web

import (
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file holds the circle routes and the exports: a member's circles,
// one circle with its members' statuses, the circle's ledger digest, and
// the ledgers as CSV or JSON. A circle's routes are for its members only.

// apiCircles answers the circles the member is in.
func (s *Server) apiCircles(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	ids, err := s.svc.CirclesOf(r.Context(), c.Member)
	if err != nil {
		s.writeError(w, r, err, "")
		return
	}
	out := []*circleJSON{}
	for _, id := range ids {
		circle, err := s.svc.Circle(r.Context(), id)
		if err != nil {
			s.writeError(w, r, err, "")
			return
		}
		members, err := s.svc.CircleMembers(r.Context(), id)
		if err != nil {
			s.writeError(w, r, err, "")
			return
		}
		out = append(out, circleOf(circle, len(members)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"circles": out})
}

// apiCircleLedger reads the ledger of the circle in the path, for one of its
// members only.
func (s *Server) apiCircleLedger(r *http.Request) (*ledger.Circle, *ledger.CircleLedger, error) {
	c := callerOf(r.Context())
	circle, err := s.apiMemberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		return nil, nil, err
	}
	l, err := s.svc.CircleLedger(r.Context(), circle.ID)
	if err != nil {
		return nil, nil, err
	}
	return circle, l, nil
}

// apiCircle answers one of the member's circles with its members and their
// statuses.
func (s *Server) apiCircle(w http.ResponseWriter, r *http.Request) {
	circle, l, err := s.apiCircleLedger(r)
	if err != nil {
		s.writeError(w, r, err, "")
		return
	}
	j := circleOf(circle, len(l.Members))
	j.Members = make([]*statusJSON, len(l.Statuses))
	for i, st := range l.Statuses {
		st.Member = l.Members[i]
		j.Members[i] = statusOfMember(st)
	}
	writeJSON(w, http.StatusOK, j)
}

// digestJSON is a circle's ledger digest.
type digestJSON struct {
	Circle   ledger.CircleID `json:"circle"`
	Version  string          `json:"version"`
	Digest   string          `json:"digest"`
	Members  int             `json:"members"`
	Needs    int             `json:"needs"`
	Promises int             `json:"promises"`
}

func digestOf(l *ledger.CircleLedger) digestJSON {
	return digestJSON{Circle: l.Circle, Version: ledger.DigestVersion, Digest: l.Digest(),
		Members: len(l.Members), Needs: len(l.Needs), Promises: len(l.Promises)}
}

// apiDigest answers the digest of a circle's ledger: a hash of its
// canonical form, the same on two bots that applied the same events.
func (s *Server) apiDigest(w http.ResponseWriter, r *http.Request) {
	_, l, err := s.apiCircleLedger(r)
	if err != nil {
		s.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, digestOf(l))
}

// apiCircleExport answers a circle's ledger as a file in format.
func (s *Server) apiCircleExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, l, err := s.apiCircleLedger(r)
		if err != nil {
			s.writeError(w, r, err, "")
			return
		}
		writeCircleExport(w, l, format)
	}
}

// apiExport answers the member's own ledger as a file in format.
func (s *Server) apiExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r.Context())
		l, err := s.svc.MemberLedger(r.Context(), c.Member)
		if err != nil {
			s.writeError(w, r, err, "")
			return
		}
		writeMemberExport(w, l, format)
	}
}
