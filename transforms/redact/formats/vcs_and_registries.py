"""Code hosting, CI/CD and package registries: GitHub, GitLab, Bitbucket/Atlassian, Sourcegraph,
Azure DevOps, CircleCI, Buildkite, SonarQube, npm, PyPI, RubyGems, NuGet, Docker Hub, crates.io,
Packagist, Clojars, JFrog, Octopus Deploy..."""

from __future__ import annotations

from transforms.redact.config import PASSWORD
from transforms.redact.formats._base import grouped, keyword, prefixed

RULES = (
    # --- code hosting ---
    prefixed("github_fine_grained_pat", r"github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}", "github_pat_"),
    prefixed("github_token", r"gh[pousr]_[A-Za-z0-9]{36,255}", "ghp_ gho_ ghu_ ghs_ ghr_"),
    prefixed("gitlab_token", r"glpat-[0-9A-Za-z_\-]{27,300}\.[0-9a-z]{2}[0-9a-z]{7}", "glpat-"),
    prefixed("gitlab_token", r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|oas|ffct|wt)-[0-9A-Za-z_\-]{20,64}",
             "glpat- gldt- glft- glsoat- glrt- glcbt- glimt- glptt- gloas- glffct- glwt-"),
    prefixed("gitlab_token", r"glagent-[0-9A-Za-z_\-]{50}", "glagent-"),
    grouped("gitlab_session_cookie", r"_gitlab_session=([0-9a-z]{32})", "_gitlab_session="),
    prefixed("bitbucket_app_password", r"ATBB[A-Za-z0-9_=.\-]{28,40}", "atbb"),
    prefixed("atlassian_api_token", r"AT(?:ATT|CTT)3[A-Za-z0-9_=\-]{150,250}", "atatt3 atctt3"),
    keyword("atlassian_api_token", "atlassian|confluence|jira", r"[A-Za-z0-9]{24}"),
    prefixed("sourcegraph_access_token", r"sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}", "sgp_"),
    prefixed("sourcegraph_access_token", r"sgp_[a-fA-F0-9]{40}", "sgp_"),
    keyword("sourcegraph_access_token", "sourcegraph|src_access_token", r"[a-f0-9]{40}"),
    prefixed("sourcegraph_secret", r"(?:sgd|slk|sgs)_[a-fA-F0-9]{64}", "sgd_ slk_ sgs_"),
    keyword("gitea_token", "gitea|forgejo", r"[a-f0-9]{40}"),
    keyword("azure_devops_pat", "azure_devops|azuredevops|ado_|devops", r"[a-z2-7]{52}"),
    # --- CI/CD ---
    prefixed("circleci_token", r"CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}", "ccipat_ cciprj_"),
    keyword("circleci_token", "circleci|circle_token|circle-token", r"[a-f0-9]{40}"),
    prefixed("buildkite_token", r"bkua_[a-f0-9]{40}", "bkua_"),
    keyword("travisci_token", "travis", r"[A-Za-z0-9_\-]{22}"),
    keyword("droneci_token", "drone", r"[A-Za-z0-9]{32}"),
    keyword("codecov_token", "codecov", r"[a-f0-9\-]{32,36}"),
    prefixed("sonarqube_token", r"sq[upa]_[a-f0-9]{40}", "squ_ sqp_ sqa_"),
    prefixed("octopus_deploy_api_key", r"API-[A-Z0-9]{26,32}", "api-"),
    prefixed("prefect_api_key", r"pnu_[A-Za-z0-9]{36}", "pnu_"),
    # --- package registries ---
    prefixed("npm_token", r"npm_[A-Za-z0-9]{36}", "npm_"),
    grouped("npm_token", r"(?i)_authToken\s*=\s*[\"']?([A-Za-z0-9_\-]{36,})", "_authtoken"),
    prefixed("pypi_token", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}", "pypi-ageichlwas5vcmc"),
    prefixed("pypi_token", r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_\-]{50,}", "pypi-agendgvzdc5wexbplm9yzw"),
    prefixed("rubygems_api_key", r"rubygems_[a-f0-9]{48}", "rubygems_"),
    prefixed("nuget_api_key", r"oy2[a-z0-9]{43}", "oy2"),
    grouped("nuget_config_password", r"(?i)<add\s+key\s*=\s*[\"']ClearTextPassword[\"']\s+value\s*=\s*[\"']([^\"'\r\n]{1,256})[\"']",
            "cleartextpassword", category=PASSWORD, password=True),
    grouped("nuget_config_password", r"(?i)<add\s+value\s*=\s*[\"']([^\"'\r\n]{1,256})[\"']\s+key\s*=\s*[\"']ClearTextPassword[\"']",
            "cleartextpassword", category=PASSWORD, password=True),
    prefixed("dockerhub_token", r"dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,40}", "dckr_"),
    prefixed("clojars_token", r"CLOJARS_[a-z0-9]{60}", "clojars_"),
    prefixed("crates_io_token", r"cio[A-Za-z0-9]{32}", "cio"),
    prefixed("packagist_token", r"packagist_[ou][ur]t_[a-f0-9]{68}", "packagist_"),
    prefixed("jfrog_reference_token", r"cmVmdGtuOjAxOj[A-Za-z0-9]{50,}", "cmvmdgtu"),
    keyword("jfrog_token", "jfrog|artifactory", r"[A-Za-z0-9]{64,73}"),
    prefixed("postman_api_key", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", "pmak-"),
    prefixed("readme_api_key", r"rdme_[a-z0-9]{70}", "rdme_"),
    prefixed("chief_tools_token", r"ct[por]_[A-Za-z0-9]{30,248}", "ctp_ cto_ ctr_"),
    prefixed("settlemint_token", r"sm_(?:pat|aat|sat)_[A-Za-z0-9]{16}", "sm_pat_ sm_aat_ sm_sat_"),
    prefixed("infracost_api_key", r"ico-[A-Za-z0-9]{32}", "ico-"),
    prefixed("frameio_token", r"fio-u-[A-Za-z0-9_=\-]{64}", "fio-u-"),
    prefixed("intra42_secret", r"s-s4t2(?:ud|af)-[a-f0-9]{64}", "s-s4t2"),
)
