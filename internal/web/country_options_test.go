package web

import (
	"strings"
	"testing"
)

func TestForeignCountryOptions(t *testing.T) {
	t.Parallel()
	fr := string(refData{lang: "fr"}.ForeignCountryOptions("BR"))
	if !strings.Contains(fr, `<option value="BR" selected>Brésil</option>`) {
		t.Errorf("selected country: got no selected Brésil in %.200s…", fr)
	}
	if strings.Count(fr, " selected") != 1 {
		t.Errorf("got %d selected options; want 1", strings.Count(fr, " selected"))
	}
	if strings.Contains(fr, `value="FR"`) {
		t.Error("France is listed; want it left out")
	}
	if !strings.Contains(fr, `<option value="SN">Sénégal</option>`) {
		t.Error("Sénégal missing")
	}
	if strings.Index(fr, `"BR"`) > strings.Index(fr, `"SN"`) {
		t.Error("Brésil after Sénégal; want the names' order")
	}
	en := string(refData{lang: "en"}.ForeignCountryOptions(`"><script>`))
	if !strings.Contains(en, `<option value="BR">Brazil</option>`) || strings.Contains(en, "selected") || strings.Contains(en, "<script>") {
		t.Errorf("English, nothing selected: got %.200s…", en)
	}
}

func BenchmarkForeignCountryOptions(b *testing.B) {
	d := refData{lang: "fr"}
	for b.Loop() {
		_ = d.ForeignCountryOptions("SN")
	}
}
