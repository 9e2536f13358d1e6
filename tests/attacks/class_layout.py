"""Attacks on the layout of a class's submissions folder, graded through ``course.py grade``.

``LAYOUT`` lists submissions that are not a regular notebook file of their own: each function
``make(student_folder, assignment)`` builds one student's folder under ``submitted/``. Every one
must get zero with a one-line reason that ``refused`` names, and nothing of it may run.

``COPYCAT`` is an answer cell that runs another student's submission (and reads the gradebook),
named by the absolute and relative paths the grader was given: placeholders {OTHER_SUBMISSION},
{OTHER_RELATIVE} and {GRADEBOOK}.
"""
import os
import shutil
import stat

from autograder import paths


def _file_link(folder, assignment):
    (folder / assignment).mkdir(parents=True)
    (folder / assignment / f"{assignment}.ipynb").symlink_to(paths.source_notebook(assignment))


def _assignment_folder_link(folder, assignment):
    folder.mkdir()
    (folder / assignment).symlink_to(paths.SOLUTIONS / assignment, target_is_directory=True)


def _student_folder_link(folder, assignment):
    folder.symlink_to(paths.SOLUTIONS, target_is_directory=True)   # <student>/<a>/<a>.ipynb is the source


def _hard_link(folder, assignment):
    (folder / assignment).mkdir(parents=True)
    source = paths.source_notebook(assignment)
    try:
        os.link(source, folder / assignment / f"{assignment}.ipynb")
    except OSError:   # submissions on another file system: a second name of a file beside them
        elsewhere = folder.parent.parent / f"elsewhere-{assignment}.ipynb"
        shutil.copyfile(source, elsewhere)
        os.link(elsewhere, folder / assignment / f"{assignment}.ipynb")


def _fifo(folder, assignment):
    (folder / assignment).mkdir(parents=True)
    os.mkfifo(folder / assignment / f"{assignment}.ipynb")


def _device(folder, assignment):
    (folder / assignment).mkdir(parents=True)
    target = folder / assignment / f"{assignment}.ipynb"
    if os.geteuid() == 0:
        os.mknod(target, stat.S_IFCHR | 0o644, os.makedev(1, 5))   # a copy of /dev/zero
    else:
        target.symlink_to("/dev/zero")


def _folder_for_file(folder, assignment):
    (folder / assignment / f"{assignment}.ipynb").mkdir(parents=True)


LAYOUT = [
    dict(name="link_to_the_source", what="the notebook is a symbolic link to solutions/<a>/<a>.ipynb",
         make=_file_link, refused="symbolic link"),
    dict(name="assignment_folder_link", what="the assignment folder is a link to solutions/<a>/",
         make=_assignment_folder_link, refused="symbolic link"),
    dict(name="student_folder_link", what="the student's folder is a link to solutions/",
         make=_student_folder_link, refused="symbolic link"),
    dict(name="hard_link_to_the_source", what="the notebook is a second name (hard link) of the source notebook",
         make=_hard_link, refused="link"),
    dict(name="fifo", what="the notebook is a named pipe (a read would block)", make=_fifo, refused="not a regular file"),
    dict(name="device", what="the notebook is a character device (endless zeros)", make=_device,
         refused="not a regular file" if os.geteuid() == 0 else "symbolic link"),
    dict(name="folder_for_file", what="a folder where the notebook belongs", make=_folder_for_file, refused="is a folder"),
]

COPYCAT = (
    "import json, os, sqlite3\n"
    "for path in ['{OTHER_SUBMISSION}', '{OTHER_RELATIVE}']:\n"
    "    try:\n"
    "        for cell in json.load(open(path))['cells']:\n"
    "            if cell['cell_type'] == 'code' and 'def ' in ''.join(cell['source']):\n"
    "                exec(''.join(cell['source']), globals())\n"
    "    except OSError:\n"
    "        pass\n"
    "try:\n"
    "    sqlite3.connect('file:{GRADEBOOK}?mode=rw', uri=True).execute('UPDATE grade SET manual_score = 100').connection.commit()\n"
    "except Exception:\n"
    "    pass\n"
)
