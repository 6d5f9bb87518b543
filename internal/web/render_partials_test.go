package web

import (
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
)

func TestPartialsFor(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"layout.html":     {Data: []byte(`{{template "content" .}}{{- template "flash" .}}`)},
		"page.html":       {Data: []byte(`{{define "content"}}{{template "form" .}}{{block "local" .}}x{{end}}{{end}}`)},
		"p/flash.html":    {Data: []byte(`{{define "flash"}}!{{end}}`)},
		"p/form.html":     {Data: []byte(`{{define "form"}}{{template "field" .}}{{end}}`)},
		"p/field.html":    {Data: []byte(`{{define "field"}}f{{end}}{{define "other"}}o{{end}}`)},
		"p/unused.html":   {Data: []byte(`{{define "unused"}}{{template "field" .}}{{end}}`)},
		"p/uncalled.html": {Data: []byte(`{{define "uncalled"}}u{{end}}`)},
	}
	partials, _ := fs.Glob(fsys, "p/*.html")
	got, err := partialsFor(fsys, "layout.html", "page.html", partials)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"p/field.html", "p/flash.html", "p/form.html"}; !slices.Equal(got, want) {
		t.Errorf("got %v; want %v: the called partials, through one another, no other", got, want)
	}
}
