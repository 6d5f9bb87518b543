package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Number formats are stored in the file in Excel's neutral notation ("," for
// groups, "." for decimals); each reader's locale shows them, "1 234,56 €" in
// French.
const (
	centsFormat    = `#,##0.00 "€"`
	timeFormat     = "dd/mm/yyyy hh:mm"
	builtinInteger = 1  // "0"
	builtinPercent = 10 // "0.00%"
)

// WriteXLSX writes t as a workbook of one sheet called sheet, renamed to fit
// Excel's rules if need be: a bold, frozen header row with filter buttons,
// amounts as numbers in euros, dates as Excel dates in Europe/Paris wall
// time. Rows are streamed to the sheet's XML (spilling to a temporary file
// past 16 MB) rather than held as cells; the zipped workbook is then built in
// memory and copied to w, so nothing reaches w if anything fails before.
func WriteXLSX(w io.Writer, sheet string, t Table) (err error) {
	if err := t.check(); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer func() {
		// Close removes the temporary files of a stream that outgrew memory.
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("export: writing XLSX: %w", cerr)
		}
	}()
	name := sheetName(sheet)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return fmt.Errorf("export: writing XLSX: %w", err)
	}
	if err := writeSheet(f, name, t); err != nil {
		return fmt.Errorf("export: writing XLSX: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("export: writing XLSX: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, name string, t Table) error {
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "coopdec"}); err != nil {
		return err
	}
	styles, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	// Widths and panes must be set before the first row. Excelize puts each
	// new width before the others, and Excel wants them in column order.
	for i := len(t.Columns) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(t, i)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}

	values := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		values[i] = excelize.Cell{StyleID: styles.header, Value: c.Header}
	}
	if err := sw.SetRow("A1", values); err != nil {
		return err
	}
	for r, row := range t.Rows {
		for i, c := range row {
			values[i] = xlsxValue(c, styles)
		}
		ref, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, values); err != nil {
			return err
		}
	}
	last, err := excelize.CoordinatesToCellName(len(t.Columns), len(t.Rows)+1)
	if err != nil {
		return err
	}
	// The stream writer writes the sheet's autoFilter element at Flush, so
	// the filter is set on the sheet before it.
	if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
		return err
	}
	return sw.Flush()
}

type styleIDs struct {
	header, cents, time, integer, percent int
}

func newStyles(f *excelize.File) (styleIDs, error) {
	var s styleIDs
	cents, tf := centsFormat, timeFormat
	for _, st := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.cents, excelize.Style{CustomNumFmt: &cents}},
		{&s.time, excelize.Style{CustomNumFmt: &tf}},
		{&s.integer, excelize.Style{NumFmt: builtinInteger}},
		{&s.percent, excelize.Style{NumFmt: builtinPercent}},
	} {
		id, err := f.NewStyle(&st.style)
		if err != nil {
			return s, err
		}
		*st.id = id
	}
	return s, nil
}

func xlsxValue(c Cell, s styleIDs) any {
	if !c.set {
		return nil
	}
	switch c.kind {
	case Text:
		// A string cell is never a formula: no "'" prefix as in CSV.
		return c.s
	case Cents:
		// Spreadsheets hold numbers as IEEE doubles, so the amount becomes a
		// float64 here and nowhere else. One division of the exact integer
		// (exact below 2⁵³ cents) gives the double nearest to the amount in
		// euros, the same one Excel stores when "1234,56" is typed.
		return excelize.Cell{StyleID: s.cents, Value: float64(c.n) / 100}
	case Time:
		// Excel dates carry no zone: write the Paris wall clock, to the
		// minute like the CSV, as a zone-less (UTC) time.
		p := c.t.In(paris)
		wall := time.Date(p.Year(), p.Month(), p.Day(), p.Hour(), p.Minute(), 0, 0, time.UTC)
		return excelize.Cell{StyleID: s.time, Value: wall}
	case BasisPoints:
		return excelize.Cell{StyleID: s.percent, Value: float64(c.n) / 10000}
	default:
		return excelize.Cell{StyleID: s.integer, Value: c.n}
	}
}

// columnWidth fits column i to its header (bold, beside a filter button)
// and its longest value, in Excel's units of about one digit, within bounds.
func columnWidth(t Table, i int) float64 {
	const minWidth, maxWidth = 8, 60
	w := utf8.RuneCountInString(t.Columns[i].Header) + 4
	for _, row := range t.Rows {
		if n := displayLen(row[i]) + 2; n > w {
			w = n
			if w >= maxWidth {
				break
			}
		}
	}
	return float64(min(max(w, minWidth), maxWidth))
}

// displayLen is roughly how many characters a cell shows in French Excel.
func displayLen(c Cell) int {
	if !c.set {
		return 0
	}
	switch c.kind {
	case Text:
		n := 0
		for line := range strings.SplitSeq(c.s, "\n") {
			n = max(n, utf8.RuneCountInString(line))
		}
		return n
	case Cents:
		s := hundredths(c.n)
		return len(s) + (len(s)-4)/3 + 2 // group separators, " €"
	case Time:
		return len("02/01/2006 15:04")
	case BasisPoints:
		return len(hundredths(c.n)) + 1
	default:
		return len(strconv.FormatInt(c.n, 10))
	}
}

// sheetName fits name to Excel's rules for sheet names: at most 31 UTF-16
// units, none of []:*?/\, and no "'" at either end. Since excelize does not
// quote "'" in the filter's range reference, every "'" becomes the French
// typographic apostrophe "’".
func sheetName(name string) string {
	const maxUnits = 31
	name = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return '-'
		case r == '\'':
			return '’'
		case unicode.IsControl(r) || r == utf8.RuneError:
			return ' '
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	units := 0
	for i, r := range name {
		units += utf16.RuneLen(r)
		if units > maxUnits {
			name = strings.TrimSpace(name[:i])
			break
		}
	}
	switch {
	case name == "":
		return "Feuil1" // French Excel's name for a first sheet
	case strings.EqualFold(name, "History"): // reserved by Excel
		return name + "-"
	}
	return name
}
