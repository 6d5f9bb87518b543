package coopdec

// CheckExtraEvaluator decides whether u may add an evaluator beyond the
// pools' shares to p's application, set up by g and s: an officer
// (CanManageAssignments, EFORBIDDEN otherwise), while the call is under
// evaluation, and only when the submitted evaluations diverge by more than
// the set-up's gap (ECONFLICT otherwise): an extra opinion settles a
// disagreement, it does not replace a missing one.
func CheckExtraEvaluator(u *User, g *Grid, s *EvaluationSetup, p *Panel) error {
	if !p.ok() || !CanManageAssignments(u, p.Call) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	if p.Call.Status != CallEvaluation {
		return Errorf(ECONFLICT, "evaluation.call.not_in_evaluation")
	}
	if g == nil || s == nil {
		return Errorf(ENOTFOUND, "evaluation.setup.not_found")
	}
	if !Divergent(g, p.Evaluations, s.DivergenceBP).Divergent {
		return Errorf(ECONFLICT, "evalsetup.extra.not_divergent")
	}
	return nil
}
