"""The solver factory (``helpers.publishing.solver``)."""

import pytest

from helpers.publishing.solver import highs


def test_the_solver_is_silent_on_one_thread_with_the_options_asked_for(capfd):
    h = highs(presolve="off", simplex_strategy=4)
    options = {name: h.getOptionValue(name)[1] for name in ("output_flag", "threads", "presolve", "simplex_strategy")}
    assert options == {"output_flag": False, "threads": 1, "presolve": "off", "simplex_strategy": 4}
    h.addVar(0.0, 10.0)
    h.changeColCost(0, -1.0)
    h.run()
    assert h.getInfo().objective_function_value == -10.0
    out, _ = capfd.readouterr()
    assert out == ""  # neither the banner nor the log reach the notebook


@pytest.mark.parametrize("option", [{"simplex_strategie": 4}, {"threads": "one"}])
def test_an_option_highs_refuses_is_an_error_not_ignored(option):
    with pytest.raises(ValueError, match="HiGHS refused the option"):
        highs(**option)
