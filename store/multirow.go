package store

import (
	"math/bits"
	"strconv"
	"strings"
)

// multiRowSizes is how many chunk sizes there are: 1, 2, 4 … enqueueChunk.
const multiRowSizes = 7

// multiRow is the text of a statement over n rows of parameters, built
// once for each chunk size chunkOf gives (the powers of two up to
// enqueueChunk) rather than for each run of the statement: the intake
// writes its runs in such statements, several per run.
type multiRow struct {
	head, tail  string
	cols, first int  // parameters per row; the number of the first
	paren       bool // each row's parameters in parentheses: a VALUES list
	texts       [multiRowSizes]string
}

// newMultiRow returns the statement head, n groups of cols parameters
// numbered from first (each in parentheses if paren) joined by ", ", tail.
func newMultiRow(head string, cols, first int, paren bool, tail string) *multiRow {
	m := &multiRow{head: head, tail: tail, cols: cols, first: first, paren: paren}
	for i := range m.texts {
		m.texts[i] = m.build(1 << i)
	}
	return m
}

// text returns the statement over n rows.
func (m *multiRow) text(n int) string {
	if n > 0 && n <= enqueueChunk && n&(n-1) == 0 {
		return m.texts[bits.TrailingZeros(uint(n))]
	}
	return m.build(n)
}

// build writes the statement over n rows.
func (m *multiRow) build(n int) string {
	var q strings.Builder
	q.WriteString(m.head)
	k := m.first
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		if m.paren {
			q.WriteByte('(')
		}
		for c := range m.cols {
			if c > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('$')
			q.WriteString(strconv.Itoa(k))
			k++
		}
		if m.paren {
			q.WriteByte(')')
		}
	}
	q.WriteString(m.tail)
	return q.String()
}
