"""Repository-wide notices (transforms.license.repository): a license stated outside a LICENSE file."""

import pytest

from license_cases import MIT, canonical, rec, run
from transforms.license.evidence import html_as_markdown
from transforms.license.repository import notice_role, repository_stem, trailing_block


@pytest.fixture(scope="module")
def engine(license_engine):
    return license_engine


def c_notice(text: str) -> str:
    return "/" + "*" * 60 + "\n" + "".join(f"* {line}\n" for line in text.strip().splitlines()) + "*" * 60 + "/\n"


MIT_NOTICE = "Copyright (C) 1994-2022 Example.org, Somewhere.\n\n" + MIT
LUA_LIKE = [  # the layout of Lua's sources: the notice at the end of the main header, others point to it
    ("src/lang.h", "/*\n** lang.h: the language's API\n*/\n\n#ifndef lang_h\n#define lang_h\nint f(void);\n"
                   "#endif\n\n" + c_notice(MIT_NOTICE)),
    ("src/lapi.c", "/*\n** Lang API\n** See Copyright Notice in lang.h\n*/\n\nint f(void) { return 0; }\n"),
    ("Makefile", "all:\n\tcc -o lang src/*.c\n"),
    ("test/run.lang", "print('hello')\n"),
]


def test_a_trailing_notice_in_the_main_sources_speaks_for_the_repository(engine):
    out, count = run([rec(path, text, repo="lang/lang") for path, text in LUA_LIKE], engine)
    for path in ("src/lang.h", "src/lapi.c", "Makefile", "test/run.lang"):
        decision = out[path].decision
        assert decision.expression == "MIT", path
        assert [(e.kind, e.path, e.detail) for e in decision.evidence] == [("repo_notice", "src/lang.h", "trailing notice")]
    assert count["evidence:repo_notice"] == 1


def test_anything_nearer_wins_over_a_repository_notice(engine):
    files = LUA_LIKE + [("test/LICENSE", canonical("apache-2.0")),
                        ("src/gpl.c", "/* This program is free software: you can redistribute it and/or modify it under\n"
                                      " * the terms of the GNU General Public License as published by the Free Software\n"
                                      " * Foundation, either version 3 of the License, or (at your option) any later\n"
                                      " * version. */\nint g;\n")]
    out, _ = run([rec(path, text, repo="lang/lang") for path, text in files], engine)
    assert out["test/run.lang"].decision.expression == "Apache-2.0"
    assert out["src/gpl.c"].decision.license_type == "non_permissive"
    assert out["Makefile"].decision.expression == "MIT"
    # a root LICENSE file: the repository notice is not used at all
    out, _ = run([rec(path, text, repo="lang/lang") for path, text in LUA_LIKE + [("LICENSE", canonical("bsd-new"))]],
                 engine)
    assert out["Makefile"].decision.expression == "BSD-3-Clause"
    assert out["src/lapi.c"].decision.expression == "BSD-3-Clause"  # (the folder's evidence lists every item)
    assert [e.kind for e in out["src/lapi.c"].decision.evidence] == ["license_file", "repo_notice"]


def test_a_doc_readme_license_section_in_html(engine):
    page = ("<HTML><HEAD><TITLE>Lang manual</TITLE></HEAD><BODY>\n<H1>Welcome</H1>\n<P>A small language.\n"
            "<H2><A NAME=\"license\">License</A></H2>\n<P>Lang is free software distributed under the terms of the "
            "<A HREF=\"https://opensource.org/licenses/MIT\">MIT license</A> reproduced below.\n<BLOCKQUOTE>\n"
            + MIT.replace("\n\n", "\n<P>\n") + "</BLOCKQUOTE>\n<H2>Building</H2>\n<P>Type make.\n</BODY></HTML>\n")
    files = [("doc/readme.html", page), ("src/lapi.c", "/* See Copyright Notice in lang.h */\nint f;\n"),
             ("Makefile", "all:\n")]
    out, _ = run([rec(path, text, repo="lang/lang") for path, text in files], engine)
    assert out["Makefile"].decision.expression == "MIT"
    assert [(e.kind, e.detail) for e in out["Makefile"].decision.evidence] == [("repo_notice", "doc license section")]
    # the same page deeper in the tree speaks for its own folder only
    files = [("site/doc/readme.html", page), ("Makefile", "all:\n")]
    out, _ = run([rec(path, text, repo="lang/lang") for path, text in files], engine)
    assert out["Makefile"].decision.license_type == "no_license"


def test_the_main_header_named_like_the_repository(engine):
    blessing = ("/*\n** 2001-09-15\n**\n** The author disclaims copyright to this source code.  In place of\n"
                "** a legal notice, here is a blessing:\n**\n**    May you do good and not evil.\n"
                "**    May you find forgiveness for yourself and forgive others.\n"
                "**    May you share freely, never taking more than you give.\n*/\nint sqlite3_open(void);\n")
    files = [("src/sqlite3.h", blessing), ("tool/mksqlite3c.tcl", "puts hello\n"), ("Makefile.in", "all:\n")]
    out, _ = run([rec(path, text, repo="sqlite/sqlite") for path, text in files], engine)
    header = out["src/sqlite3.h"].decision
    assert header.by == "header"
    for path in ("tool/mksqlite3c.tcl", "Makefile.in"):
        assert out[path].decision.expression == header.expression and header.expression, path
        assert out[path].decision.evidence[0].detail == "main header"
    # the same header in a repository of another name is that file's license only
    out, _ = run([rec(path, text, repo="someone/tools") for path, text in files], engine)
    assert out["Makefile.in"].decision.license_type == "no_license"


def test_helpers():
    assert repository_stem("lua/lua") == "lua" and repository_stem("https://x.org/git/sqlite.git") == "sqlite"
    assert repository_stem("owner/lua-5.4") == "lua"
    assert notice_role("src/lua.h", "lua/lua") == "main:named" and notice_role("src/lapi.c", "lua/lua") == "main"
    assert notice_role("doc/readme.html", "lua/lua") == "doc" and notice_role("a/b/c.c", "lua/lua") == ""
    assert notice_role("src/data.json", "lua/lua") == "" and notice_role("LICENSE", "lua/lua") == ""
    assert "## License" in html_as_markdown("<h2 id=x>Li<b>cense</b></h2><p>MIT &amp; more")
    code = "int a;\n/* a comment */\nint b;\n/* Permission is hereby granted, free of charge */\n"
    assert trailing_block(code) == "/* Permission is hereby granted, free of charge */"
    assert trailing_block("int a;\n/* nothing here */\n") == ""
