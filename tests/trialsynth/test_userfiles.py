"""Reading the files a user names: one clear InputError per problem, naming the file and line."""
from __future__ import annotations

import pytest

from trialsynth.errors import InputError
from trialsynth.review import load_protocol
from trialsynth.userfiles import read_bytes, read_text


def test_a_missing_file_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(InputError, match=r"nowhere\.csv: no such file\. Create it\."):
        read_text(tmp_path / "nowhere.csv", "Create it.")


def test_a_folder_is_not_readable(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        read_bytes(tmp_path, "unused")


def test_bytes_that_are_not_utf8_name_their_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("study,sd\nA,1\nMüller,2\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.csv line 3: not UTF-8 text .* Save the file as UTF-8"):
        read_text(path, "unused")


def test_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfstudy\n")
    assert read_text(path, "unused") == "study\n"


def test_a_review_toml_that_is_not_utf8_is_an_input_error(tmp_path):
    path = tmp_path / "review.toml"
    path.write_bytes('title = "Revue de la littérature"\n'.encode("latin-1"))
    with pytest.raises(InputError, match=r"review\.toml line 1: not UTF-8"):
        load_protocol(path)
