#!/bin/sh
# Every experiment script runs to the end (small sizes where they take one)
# and prints its conclusion.
. tests/sh/lib.sh

run() {  # run NAME EXPECTED ARGS...
  name=$1; expected=$2; shift 2
  if out=$($ORRERY "scripts/$name" "$@" 2>&1); then
    expect_match "$out" "$expected" "$name"
  else
    fail "$name exited with an error: $(echo "$out" | tail -n 3)"
  fi
}
run demo.lua "Cox proportional hazards model"
run ivl_augmentation.lua "DA+IVL has the lowest nCER in" 2
run sketch_linf.lua "verdict: Gaussian design" 1
run apgw_veteran.lua "AIC"
run apgw_melanoma.lua "AIC"
run coin_bias.lua "tightens at every step"
run hgf_volatility.lua "volatility estimate rises"
run niw_fewshot.lua "the learned prior lowers"
run dpo_vs_reward_model.lua "accuracy drop under shift" 0.3
run scaled_bt.lua "scaled BT" 0.2
run length_control.lua "verbose minus concise" 300
run ipcw_censoring.lua "verdict: at n =" 10
run palimpsest_provenance.lua "verdict: power at N" 10
run deconfounded_rewards.lua "verdict: Spearman with quality" 5
run compositional_pcor.lua "verdict: proportions" 4
run control_variates_safety.lua "verdict: variance reduction" 5
run deup_misspecification.lua "verdict: rank correlation with the true excess risk" 5
run control_function_extrapolation.lua "verdict: RMSE beyond" 5
run heteroscedastic_confidence.lua "verdict: largest coverage error" 5
done_tests
