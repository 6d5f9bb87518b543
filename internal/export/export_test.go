package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var (
	summer = time.Date(2026, 7, 15, 12, 30, 0, 0, time.UTC)  // 14:30 in Paris (UTC+2)
	winter = time.Date(2026, 1, 15, 12, 30, 45, 0, time.UTC) // 13:30 in Paris (UTC+1)
)

func sample() Table {
	return Table{
		Columns: []Column{
			{"Projet", Text},
			{"Montant (€)", Cents},
			{"Déposé le", Time},
			{"Partenaires", Integer},
			{"Part", BasisPoints},
		},
		Rows: [][]Cell{
			{TextCell("Eau potable; Mopti"), CentsCell(123456), TimeCell(summer), IntegerCell(3), BasisPointsCell(1250)},
			{TextCell(`Dit "Sahel"`), CentsCell(-5), TimeCell(winter), IntegerCell(0), BasisPointsCell(0)},
			{TextCell("=1+2"), CentsCell(0), {}, IntegerCell(-7), BasisPointsCell(10000)},
			{TextCell("ligne 1\nligne 2"), CentsCell(5), TimeCell(time.Time{}), {}, {}},
		},
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	want := "\xef\xbb\xbf" +
		"Projet;Montant (€);Déposé le;Partenaires;Part\r\n" +
		"\"Eau potable; Mopti\";1234,56;2026-07-15 14:30;3;12,50\r\n" +
		"\"Dit \"\"Sahel\"\"\";-0,05;2026-01-15 13:30;0;0,00\r\n" +
		"'=1+2;0,00;;-7;100,00\r\n" +
		"\"ligne 1\r\nligne 2\";0,05;;;\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestCSVText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Coopération décentralisée", "Coopération décentralisée"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+33 1 23 45 67 89", "'+33 1 23 45 67 89"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\r=1", "'\n=1"},
		{"a=1", "a=1"},
		{"un\r\ndeux\rtrois", "un\ndeux\ntrois"},
	}
	for _, tt := range tests {
		if got := csvText(tt.in); got != tt.want {
			t.Errorf("csvText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSVInjectionInHeaderAndQuoting(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCSV(&buf, Table{
		Columns: []Column{{"=cmd", Text}, {"Note", Text}},
		Rows:    [][]Cell{{TextCell("\tx"), TextCell(" espace")}, {TextCell("-1"), TextCell("\rfin")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeff'=cmd;Note\r\n'\tx;\" espace\"\r\n'-1;\"'\r\nfin\"\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestHundredths(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0,00"},
		{5, "0,05"},
		{-5, "-0,05"},
		{50, "0,50"},
		{100, "1,00"},
		{-123456, "-1234,56"},
		{100000000, "1000000,00"},
		{math.MaxInt64, "92233720368547758,07"},
		{math.MinInt64, "-92233720368547758,08"},
	}
	for _, tt := range tests {
		if got := hundredths(tt.in); got != tt.want {
			t.Errorf("hundredths(%d) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestMalformedTable(t *testing.T) {
	tests := []struct {
		name string
		t    Table
		want string
	}{
		{"no columns", Table{}, "export: table has no columns"},
		{"short row", Table{Columns: []Column{{"A", Text}, {"B", Cents}}, Rows: [][]Cell{{TextCell("x")}}},
			"export: row 1: got 1 cells; want 2"},
		{"wrong kind", Table{Columns: []Column{{"A", Text}, {"Montant", Cents}}, Rows: [][]Cell{{{}, {}}, {TextCell("x"), IntegerCell(5)}}},
			`export: row 2, column 2 ("Montant"): got integer; want cents`},
		{"unknown kind", Table{Columns: []Column{{"A", Kind(42)}}}, `export: column 1 ("A"): unknown kind Kind(42)`},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := WriteCSV(&buf, tt.t)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: WriteCSV error = %v; want %s", tt.name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: WriteCSV wrote %q; want nothing", tt.name, buf.String())
		}
		err = WriteXLSX(&buf, "x", tt.t)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: WriteXLSX error = %v; want %s", tt.name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: WriteXLSX wrote %d bytes; want nothing", tt.name, buf.Len())
		}
	}
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Appels 2026/2027", sample()); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	const sheet = "Appels 2026-2027"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheet {
		t.Fatalf("sheets: got %q; want [%q]", got, sheet)
	}
	value := func(cell string, raw bool) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: raw})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	style := func(cell string) *excelize.Style {
		t.Helper()
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	for cell, want := range map[string]string{"A1": "Projet", "B1": "Montant (€)", "E1": "Part"} {
		if got := value(cell, true); got != want {
			t.Errorf("header %s: got %q; want %q", cell, got, want)
		}
		if s := style(cell); s.Font == nil || !s.Font.Bold {
			t.Errorf("header %s: got font %+v; want bold", cell, s.Font)
		}
	}

	// Text is a string, never a formula, and needs no "'".
	for cell, want := range map[string]string{"A2": "Eau potable; Mopti", "A4": "=1+2", "A5": "ligne 1\nligne 2"} {
		if got := value(cell, true); got != want {
			t.Errorf("%s: got %q; want %q", cell, got, want)
		}
	}
	if ct, _ := f.GetCellType(sheet, "A4"); ct != excelize.CellTypeInlineString {
		t.Errorf("A4: got cell type %v; want inline string", ct)
	}
	if formula, _ := f.GetCellFormula(sheet, "A4"); formula != "" {
		t.Errorf("A4: got formula %q; want none", formula)
	}

	for cell, want := range map[string]string{"B2": "1234.56", "B3": "-0.05", "B4": "0", "B5": "0.05", "D2": "3", "D4": "-7", "E2": "0.125", "E4": "1"} {
		if got := value(cell, true); got != want {
			t.Errorf("%s: got value %q; want %q", cell, got, want)
		}
		if ct, _ := f.GetCellType(sheet, cell); ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
			t.Errorf("%s: got cell type %v; want a number", cell, ct)
		}
	}
	if s := style("B2"); s.CustomNumFmt == nil || *s.CustomNumFmt != `#,##0.00 "€"` {
		t.Errorf("B2: got number format %s; want #,##0.00 \"€\"", customFormat(s))
	}
	if s := style("E2"); s.NumFmt != 10 {
		t.Errorf("E2: got number format %d; want 10 (0.00%%)", s.NumFmt)
	}

	for cell, want := range map[string]time.Time{
		"C2": time.Date(2026, 7, 15, 14, 30, 0, 0, time.UTC),
		"C3": time.Date(2026, 1, 15, 13, 30, 0, 0, time.UTC), // seconds dropped, as in CSV
	} {
		serial := value(cell, true)
		f64, err := strconv.ParseFloat(serial, 64)
		if err != nil {
			t.Fatalf("%s: got %q; want an Excel date serial", cell, serial)
		}
		got, err := excelize.ExcelDateToTime(f64, false)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Errorf("%s: got %v; want %v (Paris wall time)", cell, got, want)
		}
	}
	if s := style("C2"); s.CustomNumFmt == nil || *s.CustomNumFmt != "dd/mm/yyyy hh:mm" {
		t.Errorf("C2: got number format %s; want dd/mm/yyyy hh:mm", customFormat(s))
	}
	if got := value("C2", false); got != "15/07/2026 14:30" {
		t.Errorf("C2 shown: got %q; want 15/07/2026 14:30", got)
	}
	for _, cell := range []string{"C4", "C5", "D5", "E5"} {
		if got := value(cell, true); got != "" {
			t.Errorf("%s: got %q; want empty", cell, got)
		}
	}

	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes: got %+v; want the first row frozen", panes)
	}
	xml := sheetXML(t, raw)
	if !strings.Contains(xml, `<autoFilter ref="$A$1:$E$5"`) { // excelize writes it absolute
		t.Errorf("sheet XML has no autoFilter on A1:E5:\n%s", xml)
	}
	cols := regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(xml, -1)
	var order []string
	for _, c := range cols {
		order = append(order, c[1])
	}
	if got := strings.Join(order, ","); got != "1,2,3,4,5" {
		t.Errorf("<col> elements: got columns %s; want 1,2,3,4,5 in order", got)
	}
	var filter bool
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && strings.Contains(dn.RefersTo, "'"+sheet+"'!") {
			filter = true
		}
	}
	if !filter {
		t.Errorf("defined names: got %+v; want _xlnm._FilterDatabase on %q", f.GetDefinedName(), sheet)
	}

	for col, want := range map[string]float64{"A": 20, "B": 15, "C": 18} {
		got, err := f.GetColWidth(sheet, col)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("column %s width: got %v; want %v", col, got, want)
		}
	}
}

func TestWriteXLSXHeaderOnly(t *testing.T) {
	var buf bytes.Buffer
	tbl := Table{Columns: []Column{{"Projet", Text}, {"Montant", Cents}}}
	if err := WriteXLSX(&buf, "", tbl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Feuil1")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || strings.Join(rows[0], "|") != "Projet|Montant" {
		t.Errorf("rows: got %q; want the header only", rows)
	}
}

func TestSheetName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Appels 2026/2027", "Appels 2026-2027"},
		{`[Inde] a:b*c?d\e`, "-Inde- a-b-c-d-e"},
		{"'Côte d'Azur'", "’Côte d’Azur’"},
		{"  Projets\x00retenus\t", "Projets retenus"},
		{"", "Feuil1"},
		{"///", "---"},
		{"history", "history-"},
		{strings.Repeat("a", 40), strings.Repeat("a", 31)},
		{strings.Repeat("é", 40), strings.Repeat("é", 31)},
		{strings.Repeat("a", 30) + "😀", strings.Repeat("a", 30)}, // the emoji takes two UTF-16 units
		{strings.Repeat("a", 29) + "😀", strings.Repeat("a", 29) + "😀"},
		{strings.Repeat("a", 30) + " b", strings.Repeat("a", 30)},
	}
	for _, tt := range tests {
		got := sheetName(tt.in)
		if got != tt.want {
			t.Errorf("sheetName(%q) = %q; want %q", tt.in, got, tt.want)
		}
		// Excel's rules, as excelize enforces them.
		f := excelize.NewFile()
		if err := f.SetSheetName("Sheet1", got); err != nil {
			t.Errorf("sheetName(%q) = %q, which excelize refuses: %v", tt.in, got, err)
		}
		f.Close()
	}
}

func TestParisZone(t *testing.T) {
	if got := paris.String(); got != "Europe/Paris" {
		t.Errorf("zone: got %q; want Europe/Paris", got)
	}
}

func customFormat(s *excelize.Style) string {
	if s.CustomNumFmt == nil {
		return fmt.Sprintf("built-in %d", s.NumFmt)
	}
	return *s.CustomNumFmt
}

func sheetXML(t *testing.T, xlsx []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func benchTable(n int) Table {
	t := sample()
	t.Rows = make([][]Cell, n)
	for i := range t.Rows {
		t.Rows[i] = []Cell{
			TextCell("Projet de coopération n° " + strings.Repeat("x", i%20)),
			CentsCell(int64(i) * 12345),
			TimeCell(summer.Add(time.Duration(i) * time.Hour)),
			IntegerCell(int64(i % 7)),
			BasisPointsCell(int64(i % 10001)),
		}
	}
	return t
}

func BenchmarkWriteCSV(b *testing.B) {
	t := benchTable(10000)
	for b.Loop() {
		if err := WriteCSV(io.Discard, t); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteXLSX(b *testing.B) {
	t := benchTable(10000)
	for b.Loop() {
		if err := WriteXLSX(io.Discard, "Projets", t); err != nil {
			b.Fatal(err)
		}
	}
}
