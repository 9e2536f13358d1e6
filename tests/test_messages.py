"""autograder.messages: an import of the course's reference code is explained, other errors are not."""
from autograder.messages import COURSE_CODE, course_code_message


def test_a_missing_reference_module_is_explained():
    message = course_code_message("ModuleNotFoundError", "No module named 'rnncourse.numpy_ref'")
    assert COURSE_CODE in message and "rnncourse.numpy_ref" in message
    assert "write the function yourself" in message


def test_a_name_missing_from_a_helper_module_is_explained():
    message = course_code_message("ImportError", "cannot import name 'reference_generate' from 'rnncourse.grading' "
                                                 "(/sandbox/rnncourse/grading/__init__.py)")
    assert "reference_generate from rnncourse.grading" in message and COURSE_CODE in message


def test_other_errors_are_left_alone():
    assert course_code_message("ModuleNotFoundError", "No module named 'sklearn'") is None
    assert course_code_message("ValueError", "No module named 'rnncourse.nn'") is None
    assert course_code_message("ImportError", "") is None
