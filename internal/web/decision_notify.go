package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/coopdec/coopdec/coopdec"
	"github.com/coopdec/coopdec/internal/sqldb"
)

// What the applicants of a final decision receive: the result of their
// application and its evaluation summary, in their own language, and for
// a rejected one the deadline of a review; then the outcome of a review.

// summaryLine is one criterion of an evaluation summary.
type summaryLine struct {
	Title     string
	TitleLang string
	Score     string // "3,5 / 5"
	Comment   string
}

// evaluationSummary is the consensus on an application as its applicant
// reads it: per criterion of the grid, its title in lang, the score and the
// comment, then the overall average and the general comment.
type evaluationSummary struct {
	Lines       []summaryLine
	Average     string // weighted average out of 5
	Comment     string
	CommentLang string // the language the comments were written in
}

func newEvaluationSummary(lang string, g *coopdec.Grid, c *coopdec.Consensus) *evaluationSummary {
	if g == nil || c == nil {
		return nil
	}
	sum := &evaluationSummary{Comment: c.Comment, CommentLang: c.Language}
	for _, cr := range g.Criteria {
		line := summaryLine{Title: cr.Text(lang).Title, TitleLang: lang}
		if _, ok := cr.Texts[lang]; !ok || strings.TrimSpace(cr.Texts[lang].Title) == "" {
			line.TitleLang = "fr"
		}
		for _, s := range c.Scores {
			if s.Criterion == cr.Code {
				line.Score = coopdec.FormatScore(lang, s.Score) + " / 5"
				line.Comment = s.Comment
			}
		}
		sum.Lines = append(sum.Lines, line)
	}
	sum.Average = coopdec.FormatHundredths(lang, g.Hundredths(g.Assess(c.Scores).Total)) + " / 5"
	return sum
}

// text writes the summary for an email.
func (sum *evaluationSummary) text(s *Server, lang string) string {
	if sum == nil {
		return s.cat.T(lang, "decisionmail.summary.none")
	}
	var b strings.Builder
	sep := ": " // French puts a space before the colon
	if lang == "fr" {
		sep = " : "
	}
	for _, l := range sum.Lines {
		b.WriteString("- " + l.Title + sep + l.Score + "\n")
		if l.Comment != "" {
			b.WriteString("  " + strings.ReplaceAll(l.Comment, "\n", "\n  ") + "\n")
		}
	}
	b.WriteString(s.cat.T(lang, "decisionmail.summary.average", sum.Average) + "\n")
	if sum.Comment != "" {
		b.WriteString("\n" + sum.Comment + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// rejectionReason says in lang why an application was not selected, from
// its consensus on the grid.
func (s *Server) rejectionReason(lang string, g *coopdec.Grid, c *coopdec.Consensus) string {
	if g == nil || c == nil {
		return s.cat.T(lang, "decision.reason.no_consensus")
	}
	a := g.Assess(c.Scores)
	switch {
	case !a.Complete:
		return s.cat.T(lang, "decision.reason.no_consensus")
	case len(a.BelowCriteria) > 0:
		var names []string
		for _, code := range a.BelowCriteria {
			if cr, ok := g.Criterion(code); ok {
				names = append(names, cr.Text(lang).Title)
			}
		}
		return s.cat.T(lang, "decision.reason.below_criterion", strings.Join(names, ", "))
	case a.BelowOverall:
		return s.cat.T(lang, "decision.reason.below_overall", coopdec.FormatScore(lang, g.Threshold))
	}
	return s.cat.T(lang, "decision.reason.committee")
}

// decisionMails are the emails of a final decision: one per member of the
// lead organisation of each application, in the member's language.
func (s *Server) decisionMails(n *sqldb.DecisionNotice) []sqldb.Job {
	var out []sqldb.Job
	for _, it := range n.Items {
		link := s.link("/candidatures/" + strconv.FormatInt(it.Application.ID, 10))
		for _, m := range it.Team {
			lang := m.Language
			if !coopdec.ValidLanguage(lang) {
				lang = "fr"
			}
			title := applicationTitle(it.Application, lang)
			call := callTitle(n.Call, lang)
			summary := newEvaluationSummary(lang, n.Grid, it.Consensus).text(s, lang)
			switch it.Entry.List {
			case coopdec.ListMain:
				out = append(out, s.mailJob(lang, m.Email, "decisionmail.main", title, call,
					coopdec.FormatEuroCents(lang, it.Entry.GrantedCents), summary, link))
			case coopdec.ListReserve:
				out = append(out, s.mailJob(lang, m.Email, "decisionmail.reserve", title, call, summary, link))
			default:
				out = append(out, s.mailJob(lang, m.Email, "decisionmail.rejected", title, call,
					s.rejectionReason(lang, n.Grid, it.Consensus), summary,
					parisTime(coopdec.ReviewDeadline(n.PublishedAt)), link))
			}
		}
	}
	return out
}

// reviewOutcomeMails tell the lead's members the outcome of their review
// request, each in their language.
func (s *Server) reviewOutcomeMails(r *coopdec.ReviewRequest, a *coopdec.Application, team []sqldb.DraftHolder) []sqldb.Job {
	var out []sqldb.Job
	link := s.link("/candidatures/" + strconv.FormatInt(a.ID, 10))
	for _, m := range team {
		lang := m.Language
		if !coopdec.ValidLanguage(lang) {
			lang = "fr"
		}
		out = append(out, s.mailJob(lang, m.Email, "decisionmail.review_outcome", applicationTitle(a, lang),
			s.cat.T(lang, "review.outcome."+string(r.Outcome)), r.OutcomeComment, link))
	}
	return out
}

func parisTime(t time.Time) string { return t.In(Paris).Format("02/01/2006 15:04") }
