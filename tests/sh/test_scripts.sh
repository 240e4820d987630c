#!/bin/sh
# Every experiment script runs to the end (small sizes where they take one)
# and prints its conclusion; without --out it writes no figure, with
# --out dir it saves its figure there as SVG.
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

figure() {  # figure NAME ARGS...: NAME.lua ARGS --out dir saves dir/NAME.svg
  name=$1; shift
  dir="$TMP/$name"; mkdir -p "$dir"
  if out=$($ORRERY "scripts/$name.lua" "$@" --out "$dir" 2>&1); then
    expect_match "$out" "figure: $dir/$name.svg" "$name --out"
    svg="$dir/$name.svg"
    if [ -s "$svg" ]; then
      case $(head -c 5 "$svg") in
        "<svg "|"<?xml") pass ;;
        *) fail "$svg does not start with <svg or <?xml" ;;
      esac
    else
      fail "$name --out: $svg missing or empty"
    fi
  else
    fail "$name --out exited with an error: $(echo "$out" | tail -n 3)"
  fi
}
figure ivl_augmentation 2
figure sketch_linf 1
figure ipcw_censoring 10
figure palimpsest_provenance 10
figure deconfounded_rewards 5
figure compositional_pcor 4
figure control_variates_safety 5
figure deup_misspecification 5
figure control_function_extrapolation 5
figure heteroscedastic_confidence 5
figure hgf_volatility

# without --out: no figure line (cli.figure saves only into the --out dir)
out=$($ORRERY scripts/heteroscedastic_confidence.lua 5 2>&1)
expect_match "$out" "verdict: largest coverage error" "heteroscedastic_confidence without --out"
case $out in *"figure:"*) fail "heteroscedastic_confidence without --out mentions a figure" ;; *) pass ;; esac
# a bad argument is a usage error
if $ORRERY scripts/ivl_augmentation.lua 2 2 2 >/dev/null 2>&1; then fail "ivl_augmentation took 3 numbers"; else pass; fi
done_tests
