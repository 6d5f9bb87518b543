// Package export writes tables for spreadsheet users in France: CSV as
// French Excel opens it with a double click, and XLSX.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Europe/Paris even where the system has no zone files
)

// paris is the zone every date is shown in.
var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded above
	}
	return loc
}

// Kind is what a column holds, and so how its cells are written.
type Kind uint8

const (
	Text        Kind = iota // a string
	Cents                   // an amount in euro cents, written in euros
	Time                    // an instant, written as Europe/Paris wall time to the minute
	Integer                 // a whole number
	BasisPoints             // a share in basis points (10000 = 100 %), written as a percentage
)

var kindNames = [...]string{Text: "text", Cents: "cents", Time: "time", Integer: "integer", BasisPoints: "basis points"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Column is a column's header and the kind of its cells.
type Column struct {
	Header string
	Kind   Kind
}

// Table is what WriteCSV and WriteXLSX write: a header row, then Rows.
// Each row has one cell per column, of the column's kind or empty.
type Table struct {
	Columns []Column
	Rows    [][]Cell
}

// Cell is one value of a row. The zero Cell is empty.
type Cell struct {
	kind Kind
	set  bool
	s    string
	n    int64
	t    time.Time
}

// TextCell is a cell of a Text column.
func TextCell(s string) Cell { return Cell{kind: Text, set: true, s: s} }

// CentsCell is a cell of a Cents column.
func CentsCell(cents int64) Cell { return Cell{kind: Cents, set: true, n: cents} }

// TimeCell is a cell of a Time column; the zero time is an empty cell, as
// for a date not reached yet.
func TimeCell(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{kind: Time, set: true, t: t}
}

// IntegerCell is a cell of an Integer column.
func IntegerCell(n int64) Cell { return Cell{kind: Integer, set: true, n: n} }

// BasisPointsCell is a cell of a BasisPoints column.
func BasisPointsCell(bp int64) Cell { return Cell{kind: BasisPoints, set: true, n: bp} }

// IsEmpty reports whether c is the zero Cell.
func (c Cell) IsEmpty() bool { return !c.set }

// check tells a table that cannot be written, before anything is written.
func (t Table) check() error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("export: table has no columns")
	}
	for i, c := range t.Columns {
		if int(c.Kind) >= len(kindNames) {
			return fmt.Errorf("export: column %d (%q): unknown kind %v", i+1, c.Header, c.Kind)
		}
	}
	for r, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("export: row %d: got %d cells; want %d", r+1, len(row), len(t.Columns))
		}
		for i, c := range row {
			if c.set && c.kind != t.Columns[i].Kind {
				return fmt.Errorf("export: row %d, column %d (%q): got %v; want %v",
					r+1, i+1, t.Columns[i].Header, c.kind, t.Columns[i].Kind)
			}
		}
	}
	return nil
}

const bom = "\ufeff" // without it, Excel reads UTF-8 CSV as Windows-1252

// WriteCSV writes t as French Excel and LibreOffice open it: UTF-8 with a
// byte-order mark, ";" between fields, CRLF line ends, amounts as "1234,56",
// percentages as "12,50", dates as "2006-01-02 15:04" in Europe/Paris.
// Text that a spreadsheet would take for a formula is prefixed with "'".
// Nothing is written if t is malformed.
func WriteCSV(w io.Writer, t Table) error {
	if err := t.check(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("export: writing CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	record := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		record[i] = csvText(c.Header)
	}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("export: writing CSV: %w", err)
	}
	for _, row := range t.Rows {
		for i, c := range row {
			record[i] = csvField(c)
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("export: writing CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: writing CSV: %w", err)
	}
	return nil
}

func csvField(c Cell) string {
	if !c.set {
		return ""
	}
	switch c.kind {
	case Text:
		return csvText(c.s)
	case Cents, BasisPoints: // both in hundredths: of a euro, of a percent
		return hundredths(c.n)
	case Time:
		return c.t.In(paris).Format("2006-01-02 15:04")
	default:
		return strconv.FormatInt(c.n, 10)
	}
}

// csvText defuses formula injection as OWASP advises: a spreadsheet runs a
// field starting with one of these as a formula, and "'" makes it text.
// Line breaks become "\n" because encoding/csv drops a lone "\r" under
// UseCRLF (and writes "\n" as "\r\n").
func csvText(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		s = "'" + s
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

// hundredths writes n/100 the French way, "-1234,05": no grouping, so that
// spreadsheets read it back as a number.
func hundredths(n int64) string {
	u := uint64(n)
	sign := ""
	if n < 0 {
		u, sign = -u, "-" // unsigned, so that math.MinInt64 negates too
	}
	frac := u % 100
	return sign + strconv.FormatUint(u/100, 10) + "," + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
}
