package sqldb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/coopdec/coopdec/internal/territoires"
)

func TestScratchPlan(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := territoires.Import(ctx, db, referential, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ sql string; args []any }{
		{`SELECT kind, code FROM territories WHERE (instr(search, $1) > 0 AND (search LIKE $2 || '%' ESCAPE '\' OR search LIKE '% ' || $2 || '%' ESCAPE '\')) ORDER BY CASE WHEN search = $1 THEN 0 ELSE 1 END, population DESC, name LIMIT 10`, []any{"lyon", "lyon"}},
		{`SELECT count(*) FROM territories WHERE (instr(search, $1) > 0 AND (search LIKE $2 || '%' ESCAPE '\' OR search LIKE '% ' || $2 || '%' ESCAPE '\'))`, []any{"lyon", "lyon"}},
		{`SELECT count(*) FROM territories WHERE instr(search, $1) > 0`, []any{"lyon"}},
		{`SELECT count(*) FROM territories WHERE instr(search, 'lyon') > 0`, nil},
		{`SELECT count(*) FROM territories WHERE population >= 0`, nil},
		{`SELECT count(*) FROM territories WHERE ((kind = 'commune' AND code >= $1 AND code < $2) OR (instr(postcodes, $1) > 0 AND ' ' || postcodes LIKE '% ' || $1 || '%') OR (kind = 'departement' AND code = $1))`, []any{"69", "69Z"}},
		{`SELECT count(*) FROM territories WHERE (instr(postcodes, $1) > 0 AND ' ' || postcodes LIKE '% ' || $1 || '%')`, []any{"69", "69Z"}},
		{`SELECT count(*) FROM territories WHERE instr(postcodes, $1) > 0`, []any{"69", "69Z"}},
		{`SELECT count(*) FROM territories WHERE kind = 'commune' AND instr(postcodes, $1) > 0`, []any{"69", "69Z"}},
		{`SELECT count(*) FROM territories WHERE postcodes LIKE $1 || '%' OR postcodes LIKE '% ' || $1 || '%'`, []any{"69", "69Z"}},
		{`SELECT count(*) FROM territories WHERE postcodes GLOB $1 || '*' OR postcodes GLOB '* ' || $1 || '*'`, []any{"69", "69Z"}},
		{`SELECT count(*) FROM territories WHERE search GLOB $1 || '*' OR search GLOB '* ' || $1 || '*'`, []any{"lyon"}},
		{`SELECT count(*) FROM territories WHERE search >= $1 AND search < $1 || 'z'`, []any{"lyon"}},
	} {
		rs, _ := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		for rs.Next() {
			var a, b, c int
			var d string
			rs.Scan(&a, &b, &c, &d)
			fmt.Println("   ", d)
		}
		rs.Close()
		start := time.Now()
		for range 100 {
			rs, err := db.read.QueryContext(ctx, q.sql, q.args...)
			if err != nil {
				t.Fatal(err)
			}
			for rs.Next() {
			}
			rs.Close()
		}
		fmt.Println(time.Since(start)/100, q.sql[:min(len(q.sql),90)])
	}
}
