package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
)

// Amounts, shares and dates as people type them in the call form, read
// exactly: no floating point between what is typed and what is stored.

// moneySpaces are the spaces people and word processors put between groups
// of digits.
var moneySpaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2009", "", "€", "", "EUR", "", "eur", "")

// parseEuroCents reads an amount of euros into cents: "500 000,00",
// "500000", "1 234,5", "1.234,56", "1,234.56", "1.5" (one and a half
// euros). A lone separator followed by exactly three digits ("1.500",
// "1,500") could be a thousands separator or a decimal mark: it is refused
// rather than guessed. Empty is 0 with ok false.
func parseEuroCents(field, s string) (cents int64, ok bool, err error) {
	s = moneySpaces.Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, false, nil
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return 0, true, coopdec.FieldError(field, "call.validation.amount.negative")
	}
	invalid := coopdec.FieldError(field, "callpages.money.invalid")
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == ',' || r == '.') {
			return 0, true, invalid
		}
	}
	whole, frac := s, ""
	lastComma, lastDot := strings.LastIndex(s, ","), strings.LastIndex(s, ".")
	nComma, nDot := strings.Count(s, ","), strings.Count(s, ".")
	switch {
	case nComma > 0 && nDot > 0:
		// Both: the last one is the decimal mark, the other groups.
		dec, group := ",", "."
		if lastDot > lastComma {
			dec, group = ".", ","
		}
		if strings.Count(s, dec) > 1 {
			return 0, true, invalid
		}
		i := strings.LastIndex(s, dec)
		whole, frac = s[:i], s[i+1:]
		if !validGroups(strings.Split(whole, group)) {
			return 0, true, invalid
		}
		whole = strings.ReplaceAll(whole, group, "")
	case nComma+nDot == 1:
		sep := ","
		if nDot == 1 {
			sep = "."
		}
		i := strings.Index(s, sep)
		whole, frac = s[:i], s[i+1:]
		if len(frac) == 3 {
			return 0, true, coopdec.FieldError(field, "callpages.money.ambiguous", s)
		}
	case nComma > 1 || nDot > 1:
		// Several of one separator: thousands, "1.000.000" or "1,000,000".
		sep := ","
		if nDot > 1 {
			sep = "."
		}
		if !validGroups(strings.Split(s, sep)) {
			return 0, true, invalid
		}
		whole = strings.ReplaceAll(s, sep, "")
	}
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 {
		return 0, true, coopdec.FieldError(field, "callpages.money.precision")
	}
	if !allDigits(whole) || !allDigits(frac) || frac == "" && (nComma+nDot == 1) {
		return 0, true, invalid
	}
	if len(strings.TrimLeft(whole, "0")) > 13 {
		return 0, true, coopdec.FieldError(field, "call.validation.amount.too_large")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, true, invalid
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	return w*100 + f, true, nil
}

// validGroups checks thousands groups: 1 to 3 digits, then 3 each.
func validGroups(groups []string) bool {
	for i, g := range groups {
		if !allDigits(g) || g == "" || i == 0 && len(g) > 3 || i > 0 && len(g) != 3 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parsePercentBP reads a percentage into basis points: "50", "12,5",
// "12.5 %", "33,33". Empty is 0 with ok false.
func parsePercentBP(field, s string) (bp int, ok bool, err error) {
	s = strings.TrimSpace(strings.TrimSuffix(moneySpaces.Replace(strings.TrimSpace(s)), "%"))
	if s == "" {
		return 0, false, nil
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return 0, true, coopdec.FieldError(field, "call.validation.share.range")
	}
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || !allDigits(frac) || strings.Contains(frac, ".") {
		return 0, true, coopdec.FieldError(field, "callpages.percent.invalid")
	}
	if len(frac) > 2 {
		return 0, true, coopdec.FieldError(field, "callpages.percent.precision")
	}
	if len(strings.TrimLeft(whole, "0")) > 3 {
		return 0, true, coopdec.FieldError(field, "call.validation.share.range")
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi((frac + "0")[:2])
	}
	return w*100 + f, true, nil
}

// parseMonths reads a whole number of months. Empty is 0 with ok false.
func parseMonths(field, s string) (int, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 1200 {
		return 0, true, coopdec.FieldError(field, "callpages.months.invalid")
	}
	if n < 0 {
		return 0, true, coopdec.FieldError(field, "call.validation.duration.negative")
	}
	return n, true, nil
}

// parseParisTime reads a datetime-local value as a time in Paris. A time
// that does not exist there (the hour skipped when summer time starts) is
// refused; one that exists twice (the hour repeated when it ends) is the
// first, summer-time one.
func parseParisTime(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	layout := "2006-01-02T15:04"
	if len(s) > len(layout) {
		layout = "2006-01-02T15:04:05"
	}
	t, err := time.ParseInLocation(layout, s, Paris)
	if err != nil {
		return time.Time{}, coopdec.FieldError(field, "callpages.date.invalid")
	}
	if t.Format(layout) != s {
		return time.Time{}, coopdec.FieldError(field, "callpages.date.dst_gap", s)
	}
	if earlier := t.Add(-time.Hour); earlier.Format(layout) == s {
		t = earlier
	}
	return t, nil
}

// formatCentsInput writes cents as the form shows them: "500 000" or
// "1 234,50".
func formatCentsInput(cents int64) string {
	if cents == 0 {
		return ""
	}
	digits := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(d)
	}
	if f := cents % 100; f != 0 {
		b.WriteString("," + strconv.FormatInt(f/10, 10) + strconv.FormatInt(f%10, 10))
	}
	return b.String()
}

// formatBPInput writes basis points as the form shows them: "50", "12,5".
func formatBPInput(bp int) string {
	if bp == 0 {
		return ""
	}
	s := strconv.Itoa(bp / 100)
	if f := bp % 100; f != 0 {
		s += "," + strings.TrimRight(strconv.Itoa(f/10)+strconv.Itoa(f%10), "0")
	}
	return s
}

// formatParisInput writes an instant as a datetime-local value in Paris.
func formatParisInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	// Seconds only when the call has them (set through the API): dropping
	// them would move the date on every save of the form.
	if t.Second() != 0 {
		return t.In(Paris).Format("2006-01-02T15:04:05")
	}
	return t.In(Paris).Format("2006-01-02T15:04")
}
