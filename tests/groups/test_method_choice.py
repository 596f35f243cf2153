"""Without method=, the group says which method it uses: one INFO line, as Brian2 does."""

import logging

from labkit import NeuronGroup, ms, run, start_scope


def _choices(caplog):
    return [r for r in caplog.records if r.name == "labkit.method_choice"
            and r.levelno == logging.INFO]


def test_the_chosen_method_is_logged_once_per_group(caplog):
    with caplog.at_level(logging.INFO, logger="labkit"):
        G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : 1', name='cells')  # noqa: F841
        assert _choices(caplog) == []  # chosen when the run is built, as in Brian2
        run(1 * ms)
        run(1 * ms)
    [record] = _choices(caplog)
    message = record.getMessage()
    assert message.startswith("No numerical integration method specified for group 'cells', "
                              "using method 'exact' (took ")
    assert message.endswith("s).")


def test_a_nonlinear_model_reports_the_fallback(caplog):
    with caplog.at_level(logging.INFO, logger="labkit"):
        start_scope()
        G = NeuronGroup(1, 'dv/dt = -v**2/(10*ms) : 1')  # noqa: F841
        run(1 * ms)
    [record] = _choices(caplog)
    assert "using method 'euler'" in record.getMessage()


def test_no_line_when_the_method_is_given(caplog):
    with caplog.at_level(logging.INFO, logger="labkit"):
        G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : 1', method='exact')  # noqa: F841
        run(1 * ms)
    assert _choices(caplog) == []


def test_shown_on_stderr_by_default(capsys):
    from labkit.logs import get_logger

    assert get_logger().level == logging.INFO
    G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : 1', name='shown')  # noqa: F841
    run(1 * ms)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("INFO") and "group 'shown', using method 'exact'" in err
