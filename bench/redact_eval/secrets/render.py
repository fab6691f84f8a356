"""Helpers of the secret cases: random values and the snippets that hold them, in 21 syntaxes."""

import base64

from .. import ALNUM, HEX, rs


def words_case(words, style):
    if style == "upper":
        return "_".join(w.upper() for w in words)
    if style == "snake":
        return "_".join(words)
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "pascal":
        return "".join(w.capitalize() for w in words)
    if style == "kebab":
        return "-".join(words)
    if style == "dotted":
        return ".".join(words)
    raise ValueError(style)


def b64(rng, nbytes, url=False, pad=True):
    raw = bytes(rng.getrandbits(8) for _ in range(nbytes))
    s = (base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)).decode()
    return s if pad else s.rstrip("=")


def b64s(s, url=False):
    f = base64.urlsafe_b64encode if url else base64.b64encode
    return f(s.encode()).decode().rstrip("=") if url else f(s.encode()).decode()


def hexs(rng, n):
    return rs(rng, n, HEX)


def password(rng):
    """A realistic human or generated password (no quotes, backslashes, $ or spaces)."""
    style = rng.randrange(4)
    if style == 0:
        return rs(rng, rng.randint(14, 24), ALNUM + "!#%^*-_+=.?@")
    if style == 1:
        w = rng.choice(["Summer", "Falcon", "Orange", "Tiger", "Winter", "Harbor", "Maple", "Copper", "Velvet", "Saturn"])
        return w + str(rng.randint(10, 9999)) + rng.choice("!#@%*?") + rs(rng, 3, ALNUM)
    if style == 2:
        ws = rng.sample(["correct", "battery", "staple", "horse", "lantern", "quartz", "meadow", "pixel", "rocket", "cobalt", "ember", "glacier"], 3)
        return "-".join(ws) + "-" + str(rng.randint(10, 99))
    return rs(rng, rng.randint(16, 32), ALNUM)


def url_password(rng):
    return rs(rng, rng.randint(14, 22), ALNUM + "-_.~")


FILLER = {
    "python": ["import os", "import logging", "from pathlib import Path", "log = logging.getLogger(__name__)", "TIMEOUT = 30"],
    "js": ["'use strict';", "const axios = require('axios');", "const TIMEOUT_MS = 5000;", "// loaded at startup"],
    "ts": ["import { Injectable } from '@angular/core';", "import axios from 'axios';", "const RETRIES = 3;"],
    "go": ["package config", "import \"os\"", "var timeout = 30 * time.Second"],
    "java": ["package com.example.billing;", "import java.util.Properties;", "// settings for the client"],
    "csharp": ["using System;", "namespace Contoso.Payments", "// client configuration"],
    "ruby": ["require 'net/http'", "# frozen_string_literal: true", "TIMEOUT = 10"],
    "php": ["<?php", "declare(strict_types=1);", "// credentials for the mailer"],
    "kotlin": ["package com.example.app", "import okhttp3.OkHttpClient"],
    "rust": ["use std::env;", "// client settings"],
    "yaml": ["version: '3.8'", "# service configuration", "region: eu-west-1"],
    "json": [],
    "env": ["NODE_ENV=production", "PORT=8080", "LOG_LEVEL=info", "# production settings"],
    "ini": ["; service settings", "timeout = 30", "retries = 3"],
    "toml": ["# deployment settings", "timeout = 30"],
    "properties": ["# application settings", "server.port=8080", "spring.application.name=billing"],
    "xml": ["<?xml version=\"1.0\" encoding=\"utf-8\"?>"],
    "dockerfile": ["FROM python:3.11-slim", "WORKDIR /app", "COPY . /app"],
    "shell": ["#!/usr/bin/env bash", "set -euo pipefail", "cd \"$(dirname \"$0\")\""],
    "terraform": ["terraform {", "  required_version = \">= 1.5\"", "}"],
    "log": [],
}
EXT = {"python": ".py", "js": ".js", "ts": ".ts", "go": ".go", "java": ".java", "csharp": ".cs", "ruby": ".rb",
       "php": ".php", "kotlin": ".kt", "rust": ".rs", "yaml": ".yaml", "json": ".json", "env": ".env", "ini": ".ini",
       "toml": ".toml", "properties": ".properties", "xml": ".xml", "dockerfile": "", "shell": ".sh",
       "terraform": ".tf", "log": ".log"}
LANGS = list(EXT)


def render(rng, lang, words, value):
    """A few lines of ``lang`` that assign ``value`` to a variable named after ``words``."""
    U, s, c, P, d = (words_case(words, x) for x in ("upper", "snake", "camel", "pascal", "dotted"))
    v = value
    t = {
        "python": [f"{U} = \"{v}\"", f"settings = {{\n    \"{s}\": \"{v}\",\n    \"debug\": False,\n}}",
                   f"client = Client(\n    {s}='{v}',\n    timeout=TIMEOUT,\n)", f"os.environ.setdefault(\"{U}\", \"{v}\")"],
        "js": [f"const {c} = \"{v}\";", f"module.exports = {{\n  {c}: '{v}',\n  retries: 3,\n}};",
               f"process.env.{U} = process.env.{U} || \"{v}\";"],
        "ts": [f"export const {U}: string = \"{v}\";", f"  private readonly {c} = '{v}';",
               f"const config = {{ {c}: `{v}`, region: 'us-east-1' }};"],
        "go": [f"const {c} = \"{v}\"", f"os.Setenv(\"{U}\", \"{v}\")", f"cfg := Config{{\n\t{P}: \"{v}\",\n\tRetries: 3,\n}}"],
        "java": [f"private static final String {U} = \"{v}\";", f"props.setProperty(\"{d}\", \"{v}\");"],
        "csharp": [f"private const string {P} = \"{v}\";", f"var {c} = \"{v}\";", f"options.{P} = @\"{v}\";"],
        "ruby": [f"{U} = \"{v}\"", f"config.{s} = '{v}'", f"ENV['{U}'] ||= \"{v}\""],
        "php": [f"define('{U}', '{v}');", f"${c} = \"{v}\";", f"return [\n    '{s}' => '{v}',\n];"],
        "kotlin": [f"val {c} = \"{v}\"", f"const val {U} = \"{v}\""],
        "rust": [f"const {U}: &str = \"{v}\";", f"let {s} = \"{v}\";"],
        "yaml": [f"{s}: {v}", f"{s}: \"{v}\"", f"service:\n  name: billing\n  {s}: '{v}'"],
        "json": [f"{{\n  \"name\": \"billing\",\n  \"{c}\": \"{v}\"\n}}", f"{{\"{s}\": \"{v}\", \"enabled\": true}}"],
        "env": [f"{U}={v}", f"{U}=\"{v}\"", f"export {U}={v}"],
        "ini": [f"[default]\n{s} = {v}", f"[service]\n{s}={v}"],
        "toml": [f"[service]\n{s} = \"{v}\""],
        "properties": [f"{d}={v}", f"{d} = {v}"],
        "xml": [f"<configuration>\n  <appSettings>\n    <add key=\"{P}\" value=\"{v}\" />\n  </appSettings>\n</configuration>",
                f"<settings>\n  <{c}>{v}</{c}>\n</settings>"],
        "dockerfile": [f"ENV {U}={v}", f"ARG {U}={v}", f"ENV {U}=\"{v}\""],
        "shell": [f"export {U}=\"{v}\"", f"{U}='{v}' ./deploy.sh", f"docker run -e {U}={v} app:latest"],
        "terraform": [f"variable \"{s}\" {{\n  default = \"{v}\"\n}}", f"provider \"svc\" {{\n  {s} = \"{v}\"\n}}",
                      f"locals {{\n  {s} = \"{v}\"\n}}"],
        "log": [f"2024-03-{rng.randint(10, 28)}T0{rng.randint(1, 9)}:{rng.randint(10, 59)}:11Z DEBUG config loaded {s}={v} retries=3",
                f"[{rng.randint(1000, 9999)}] INFO  startup: using {s} \"{v}\""],
    }[lang]
    body = rng.choice(t)
    fill = FILLER[lang]
    pre = sorted(rng.sample(range(len(fill)), min(len(fill), rng.randint(0, 2))))
    pre = [fill[i] for i in pre]
    post = [p for p in rng.sample(fill, min(len(fill), rng.randint(0, 1))) if p not in pre and not p.startswith(("#!", "<?", "package ", "FROM "))]
    return "\n".join(pre + [body] + post) + "\n"
