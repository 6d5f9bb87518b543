package coopdec

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AttachmentType is a kind of file an application may attach.
type AttachmentType string

const (
	AttachmentPDF  AttachmentType = "pdf"
	AttachmentODT  AttachmentType = "odt"
	AttachmentDOCX AttachmentType = "docx"
	AttachmentODS  AttachmentType = "ods"
	AttachmentXLSX AttachmentType = "xlsx"
	AttachmentPNG  AttachmentType = "png"
	AttachmentJPEG AttachmentType = "jpeg"
)

// AttachmentTypes lists the accepted types.
var AttachmentTypes = []AttachmentType{
	AttachmentPDF, AttachmentODT, AttachmentDOCX, AttachmentODS, AttachmentXLSX, AttachmentPNG, AttachmentJPEG,
}

var attachmentMedia = map[AttachmentType]string{
	AttachmentPDF:  "application/pdf",
	AttachmentODT:  "application/vnd.oasis.opendocument.text",
	AttachmentDOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	AttachmentODS:  "application/vnd.oasis.opendocument.spreadsheet",
	AttachmentXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	AttachmentPNG:  "image/png",
	AttachmentJPEG: "image/jpeg",
}

// MediaType returns the type's MIME type, for Content-Type.
func (t AttachmentType) MediaType() string { return attachmentMedia[t] }

// Extensions returns the file extensions the type goes by, lower case and
// without the dot, the usual one first.
func (t AttachmentType) Extensions() []string {
	if t == AttachmentJPEG {
		return []string{"jpg", "jpeg"}
	}
	if _, ok := attachmentMedia[t]; ok {
		return []string{string(t)}
	}
	return nil
}

// Size limits of attachments: per file, per application, and in number.
const (
	MaxAttachmentBytes            int64 = 20 << 20
	MaxApplicationAttachmentBytes int64 = 100 << 20
	MaxAttachments                      = 50
)

// Bounds on what detection reads of an office document, so that a crafted
// archive cannot make it read much.
const (
	zipMaxEntries      = 10_000
	contentTypesMaxLen = 1 << 20
)

// DetectType tells the type of a file from its content (its magic bytes,
// and for office documents the parts of the zip archive they are), and
// checks that its name's extension agrees. The name only confirms: a PDF
// named .pdf is accepted, an OpenDocument text named .pdf or an executable
// named anything is refused. r holds the size bytes of the file; DetectType
// reads a few of them, and for DOCX and XLSX the archive's directory.
// Errors are FieldErrors on "file" with a message for the user.
func DetectType(r io.ReaderAt, size int64, name string) (AttachmentType, error) {
	switch {
	case size <= 0:
		return "", FieldError("file", "attachment.empty")
	case size > MaxAttachmentBytes:
		return "", FieldError("file", "attachment.too_large", MaxAttachmentBytes>>20)
	}
	head := make([]byte, min(size, 512))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return "", fmt.Errorf("coopdec: reading attachment: %w", err)
	}
	t, err := detectContent(head, r, size)
	if err != nil {
		return "", err
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(baseName(name)), "."))
	switch {
	case ext == "":
		return "", FieldError("file", "attachment.extension.missing", t.Extensions()[0])
	case !slices.Contains(t.Extensions(), ext):
		return "", FieldError("file", "attachment.extension.mismatch", ext, t.Extensions()[0])
	}
	return t, nil
}

func detectContent(head []byte, r io.ReaderAt, size int64) (AttachmentType, error) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return AttachmentPDF, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return AttachmentPNG, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return AttachmentJPEG, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return detectZip(head, r, size)
	}
	return "", FieldError("file", "attachment.type.unsupported")
}

// detectZip tells OpenDocument files by their first entry, "mimetype",
// stored uncompressed at the start of the archive as the ODF standard
// requires, and Office Open XML files by their [Content_Types].xml, which
// names the main part; macro-enabled variants name another and are refused.
func detectZip(head []byte, r io.ReaderAt, size int64) (AttachmentType, error) {
	unsupported := FieldError("file", "attachment.type.unsupported")
	if len(head) >= 30 {
		method := binary.LittleEndian.Uint16(head[8:])
		csize := int(binary.LittleEndian.Uint32(head[18:]))
		nameLen := int(binary.LittleEndian.Uint16(head[26:]))
		extraLen := int(binary.LittleEndian.Uint16(head[28:]))
		start := 30 + nameLen + extraLen
		if 30+nameLen <= len(head) && string(head[30:30+nameLen]) == "mimetype" {
			if method != 0 || start > len(head) {
				return "", unsupported
			}
			for t, mt := range map[AttachmentType]string{AttachmentODT: attachmentMedia[AttachmentODT], AttachmentODS: attachmentMedia[AttachmentODS]} {
				// Writers that stream give the size after the data (csize 0):
				// the next header's "PK" then ends the value.
				rest := head[start:]
				if (csize == len(mt) || csize == 0) && bytes.HasPrefix(rest, []byte(mt)) &&
					(csize != 0 || bytes.HasPrefix(rest[len(mt):], []byte("PK"))) {
					return t, validZip(r, size)
				}
			}
			return "", unsupported
		}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil || len(zr.File) > zipMaxEntries {
		return "", FieldError("file", "attachment.corrupt")
	}
	var types *zip.File
	for _, f := range zr.File {
		if f.Name == "[Content_Types].xml" {
			types = f
			break
		}
	}
	if types == nil || types.UncompressedSize64 > contentTypesMaxLen {
		return "", unsupported
	}
	rc, err := types.Open()
	if err != nil {
		return "", FieldError("file", "attachment.corrupt")
	}
	defer rc.Close()
	ct, err := io.ReadAll(io.LimitReader(rc, contentTypesMaxLen))
	if err != nil {
		return "", FieldError("file", "attachment.corrupt")
	}
	has := func(part, contentType string) bool {
		return bytes.Contains(ct, []byte(contentType)) && slices.ContainsFunc(zr.File, func(f *zip.File) bool { return f.Name == part })
	}
	switch {
	case has("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"):
		return AttachmentDOCX, nil
	case has("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"):
		return AttachmentXLSX, nil
	}
	return "", unsupported
}

func validZip(r io.ReaderAt, size int64) error {
	if zr, err := zip.NewReader(r, size); err != nil || len(zr.File) > zipMaxEntries {
		return FieldError("file", "attachment.corrupt")
	}
	return nil
}

// CheckAttachmentSizes checks the sizes of an application's attachments,
// those already attached and the new ones together: each within
// MaxAttachmentBytes, all within MaxApplicationAttachmentBytes, at most
// MaxAttachments files. Sizes are in bytes; args of the messages in MiB.
func CheckAttachmentSizes(sizes []int64) error {
	var errs Errors
	if len(sizes) > MaxAttachments {
		errs = append(errs, FieldError("attachments", "attachment.too_many", MaxAttachments))
	}
	var total int64
	for i, s := range sizes {
		switch {
		case s <= 0:
			errs = append(errs, FieldError(fmt.Sprintf("attachments.%d", i), "attachment.empty"))
		case s > MaxAttachmentBytes:
			errs = append(errs, FieldError(fmt.Sprintf("attachments.%d", i), "attachment.too_large", MaxAttachmentBytes>>20))
		default:
			total += s // each ≤ 20 MiB: no overflow
		}
	}
	if total > MaxApplicationAttachmentBytes {
		errs = append(errs, FieldError("attachments", "attachment.total_too_large", MaxApplicationAttachmentBytes>>20))
	}
	return errs.Err()
}

// safeNameMax bounds a safe file name, in bytes: file systems allow 255, and
// browsers show far less.
const safeNameMax = 150

// SafeFilename returns name fit for a Content-Disposition header and for
// saving on the reader's disk: without its directories, control and
// format characters, double quotes, backslashes and characters that file systems
// refuse, with spaces collapsed, at most 150 bytes long (cut on a character,
// keeping the extension), keeping accented letters; an apostrophe becomes
// the typographic one. A name left empty
// becomes "document" with the original extension. The web layer writes it
// with both filename (ASCII fallback) and filename* (RFC 5987).
func SafeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = baseName(name)
	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune("\"`<>:|?*/\\;", r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case r == '\'':
			r = '’' // French names are full of apostrophes: keep them, typographic
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	s := strings.TrimRight(b.String(), ". ")
	ext := path.Ext(s)
	if len(ext) > 10 || ext == "." {
		ext = ""
	}
	stem := strings.Trim(strings.TrimSuffix(s, ext), ". ") // no hidden file
	if stem == "" {
		stem = "document"
	}
	if len(stem)+len(ext) > safeNameMax {
		stem = truncateUTF8(stem, safeNameMax-len(ext))
		stem = strings.TrimRight(stem, ". ")
	}
	return stem + strings.ToLower(ext)
}

// baseName strips the directories of a name written with either slash.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
