package sqldb

import (
	"strconv"
	"strings"
)

func itoa(i int) string { return strconv.Itoa(i) }

// likeEscape escapes the LIKE wildcards in user input; queries use ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
