package coopdec

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"strings"
	"testing"
)

// zipFile builds an archive of the given parts, in order; "mimetype" is
// stored uncompressed, as OpenDocument requires.
func zipFile(t *testing.T, parts ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, p := range parts {
		h := &zip.FileHeader{Name: p[0], Method: zip.Deflate}
		if p[0] == "mimetype" {
			h.Method = zip.Store
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(p[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	docxTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docxBody = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:body><w:p><w:r><w:t>Délibération</w:t></w:r></w:p></w:body></w:document>`
	xlsxTypes = `<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`
)

func TestDetectType(t *testing.T) {
	pngHead := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	odt := zipFile(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"}, [2]string{"content.xml", "<office:document-content/>"})
	ods := zipFile(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, [2]string{"content.xml", "<x/>"})
	docx := zipFile(t, [2]string{"[Content_Types].xml", docxTypes}, [2]string{"_rels/.rels", docxRels}, [2]string{"word/document.xml", docxBody})
	docm := zipFile(t, [2]string{"[Content_Types].xml", strings.Replace(docxTypes, "officedocument.wordprocessingml.document.main", "ms-word.document.macroEnabled.main", 1)},
		[2]string{"word/document.xml", docxBody})
	xlsx := zipFile(t, [2]string{"[Content_Types].xml", xlsxTypes}, [2]string{"xl/workbook.xml", "<workbook/>"})
	plainZip := zipFile(t, [2]string{"readme.txt", "hello"})
	for _, tc := range []struct {
		name    string
		content []byte
		file    string
		want    AttachmentType
		key     string // error key expected
	}{
		{"PDF", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), "budget.pdf", AttachmentPDF, ""},
		{"PDF upper-case extension", []byte("%PDF-1.4\n"), "BUDGET.PDF", AttachmentPDF, ""},
		{"PNG", pngHead, "carte.png", AttachmentPNG, ""},
		{"JPEG as .jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, "photo.jpg", AttachmentJPEG, ""},
		{"JPEG as .jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE1}, "photo.jpeg", AttachmentJPEG, ""},
		{"ODT", odt, "note.odt", AttachmentODT, ""},
		{"ODS", ods, "budget.ods", AttachmentODS, ""},
		{"DOCX built with archive/zip", docx, "lettre.docx", AttachmentDOCX, ""},
		{"XLSX", xlsx, "budget.xlsx", AttachmentXLSX, ""},
		{"ODT renamed .pdf", odt, "note.pdf", "", "attachment.extension.mismatch"},
		{"PDF renamed .docx", []byte("%PDF-1.7"), "note.docx", "", "attachment.extension.mismatch"},
		{"no extension", []byte("%PDF-1.7"), "note", "", "attachment.extension.missing"},
		{"executable", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 100)...), "facture.pdf", "", "attachment.type.unsupported"},
		{"ELF", []byte("\x7fELF\x02\x01\x01"), "rapport.pdf", "", "attachment.type.unsupported"},
		{"HTML", []byte("<html><script>alert(1)</script>"), "page.pdf", "", "attachment.type.unsupported"},
		{"macro-enabled Word", docm, "lettre.docx", "", "attachment.type.unsupported"},
		{"plain zip", plainZip, "archive.docx", "", "attachment.type.unsupported"},
		{"truncated zip", docx[:40], "lettre.docx", "", "attachment.corrupt"},
		{"empty", nil, "vide.pdf", "", "attachment.empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectType(bytes.NewReader(tc.content), int64(len(tc.content)), tc.file)
			if tc.key != "" {
				if key, _ := ErrorKey(err); key != tc.key {
					t.Fatalf("got %q, %v; want error %s", got, err, tc.key)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func TestDetectTypeTooLarge(t *testing.T) {
	_, err := DetectType(bytes.NewReader([]byte("%PDF-")), MaxAttachmentBytes+1, "gros.pdf")
	if key, _ := ErrorKey(err); key != "attachment.too_large" {
		t.Errorf("got %v; want attachment.too_large", err)
	}
}

func TestCheckAttachmentSizes(t *testing.T) {
	mib := int64(1 << 20)
	for _, tc := range []struct {
		name  string
		sizes []int64
		bad   []string
	}{
		{"none", nil, nil},
		{"five of 20 MiB", []int64{20 * mib, 20 * mib, 20 * mib, 20 * mib, 20 * mib}, nil},
		{"one too large", []int64{mib, 20*mib + 1}, []string{"attachments.1"}},
		{"total too large", []int64{20 * mib, 20 * mib, 20 * mib, 20 * mib, 20 * mib, 1}, []string{"attachments"}},
		{"empty file", []int64{0}, []string{"attachments.0"}},
		{"too many", make51(), []string{"attachments"}},
	} {
		err := CheckAttachmentSizes(tc.sizes)
		got := fields(err)
		if len(tc.bad) == 0 && err != nil {
			t.Errorf("%s: got %v; want none", tc.name, err)
		}
		for _, f := range tc.bad {
			if !got[f] {
				t.Errorf("%s: got errors on %v; want one on %s", tc.name, got, f)
			}
		}
	}
}

func make51() []int64 {
	s := make([]int64, 51)
	for i := range s {
		s[i] = 1
	}
	return s
}

func TestSafeFilename(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"../../etc/passwd", "passwd"},
		{"facture\r\n.pdf", "facture.pdf"},
		{"Délibération du conseil.pdf", "Délibération du conseil.pdf"},
		{`C:\Users\ana\Budget 2026.XLSX`, "Budget 2026.xlsx"},
		{`"quoted"; name=evil.pdf`, "quoted name=evil.pdf"},
		{"Lettre d'intention.docx", "Lettre d’intention.docx"},
		{"..pdf", "document.pdf"},
		{"", "document"},
		{"../", "document"},
		{"a\u202etxt.exe", "atxt.exe"},
		{"  plusieurs   espaces  .odt", "plusieurs espaces.odt"},
		{"bad\xffutf8.pdf", "badutf8.pdf"},
		{strings.Repeat("é", 200) + ".pdf", strings.Repeat("é", 73) + ".pdf"},
	} {
		if got := SafeFilename(tc.in); got != tc.want {
			t.Errorf("SafeFilename(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// TestDetectODFSizesInHeader covers archives written as office suites write
// them: the mimetype's size in its local header, not after the data.
func TestDetectODFSizesInHeader(t *testing.T) {
	for _, tc := range []struct {
		mimetype, name string
		want           AttachmentType
	}{
		{"application/vnd.oasis.opendocument.text", "note.odt", AttachmentODT},
		{"application/vnd.oasis.opendocument.text-template", "note.odt", ""},
	} {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		body := []byte(tc.mimetype)
		h := &zip.FileHeader{Name: "mimetype", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
			CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body))}
		f, err := w.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(body)
		w.Close()
		got, err := DetectType(bytes.NewReader(buf.Bytes()), int64(buf.Len()), tc.name)
		if got != tc.want || (tc.want != "") != (err == nil) {
			t.Errorf("%s: got %q, %v; want %q", tc.mimetype, got, err, tc.want)
		}
	}
}
