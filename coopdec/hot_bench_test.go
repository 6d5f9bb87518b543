package coopdec

import (
	"testing"
	"time"
)

// Benchmarks of the checks every save or submission runs, so that a
// regression shows without a server:
//
//	go test ./coopdec -bench 'CheckBudget|OrderCost|Fold' -run '^$' -benchmem
//
// (the eligibility, ranking, funding line, assignment and matching ones
// sit beside their tests).

func BenchmarkCheckBudget(b *testing.B) {
	budget, call := validBudget(), brazilCall()
	for b.Loop() {
		if errs := CheckBudget(budget, call); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkOrderCost(b *testing.B) {
	o := MissionOrderBudget{TravelCents: 180000, OtherCents: 25000, Country: "SN", Start: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC),
		Experts: []OrderExpert{{Name: "Claire Martin", Days: 10}, {Name: "Ousmane Diallo", Days: 7}}}
	for b.Loop() {
		if _, _, err := OrderCost(o, orderRates); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFold folds what searches, sorts and the search columns fold:
// names and titles in French, in other Latin-script languages and in other
// scripts.
func BenchmarkFold(b *testing.B) {
	for _, tc := range []struct{ name, text string }{
		{"ascii", "Communaute d'agglomeration du Grand Angouleme"},
		{"french", "Métropole d'Aix-Marseille-Provence — coopération décentralisée"},
		{"vietnamese", "Ủy ban nhân dân thành phố Huế"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if Fold(tc.text) == "" {
					b.Fatal("empty")
				}
			}
		})
	}
}
