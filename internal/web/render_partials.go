package web

import (
	"io/fs"
	"regexp"
	"slices"
)

var (
	templateCall   = regexp.MustCompile(`{{-?\s*(?:template|block)\s+"([^"]+)"`)
	templateDefine = regexp.MustCompile(`{{-?\s*(?:define|block)\s+"([^"]+)"`)
)

// partialsFor returns the partial files that page (with the layout) calls,
// directly or through one another. Each page is parsed with these only:
// html/template keeps a copy of every template of a page's set, and the
// larger partials (the application's and the call's forms) serve a few
// pages, so parsing all of them with every page kept tens of megabytes of
// trees that no page would run.
func partialsFor(fsys fs.FS, layout, page string, partials []string) ([]string, error) {
	defines := map[string]string{} // template name → partial file
	calls := map[string][]string{} // file → the names it calls
	read := func(f string) error {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return err
		}
		for _, m := range templateCall.FindAllSubmatch(b, -1) {
			calls[f] = append(calls[f], string(m[1]))
		}
		if slices.Contains(partials, f) {
			for _, m := range templateDefine.FindAllSubmatch(b, -1) {
				defines[string(m[1])] = f
			}
		}
		return nil
	}
	for _, f := range append([]string{layout, page}, partials...) {
		if err := read(f); err != nil {
			return nil, err
		}
	}
	var out []string
	queue := []string{layout, page}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, name := range calls[f] {
			p, ok := defines[name]
			if !ok || slices.Contains(out, p) {
				continue // defined by the page or the layout, or already in
			}
			out = append(out, p)
			queue = append(queue, p)
		}
	}
	slices.Sort(out)
	return out, nil
}
