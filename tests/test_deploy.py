"""deploy/: the image definition, the compose file and the Kubernetes manifests agree with the code.

No container engine runs here, so they are parsed (the Dockerfile with Docker's own parser, the
manifests against Kubernetes' schemas) and cross-checked: the commands start what exists, ports and
URLs meet, every variable set is one the code reads, Rasa gets every variable its endpoints need."""

import importlib
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import dockerfile
import pytest
import yaml
from kubernetes_validate.utils import validate as validate_k8s

from connectors.settings import GatewaySettings
from dossiers.settings import DossierSettings
from knowledge.settings import KnowledgeSettings
from rasa_sdk_plugins import ActionServerSettings
from scripts.run import GATEWAY_SERVER_OPTIONS
from storage.settings import StorageSettings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S_VERSION = "1.33"
RASA_MODEL = "models/rasa/assistant.tar.gz"
# Read by the interpreters and libraries, not by our settings.
RUNTIME_VARIABLES = {"PYTHONPATH", "RASA_TELEMETRY_ENABLED", "OMP_NUM_THREADS", "TF_CPP_MIN_LOG_LEVEL"}
ENDPOINT_VARIABLES = set(re.findall(r"\$\{(\w+)\}", (ROOT / "bot/endpoints.production.yml").read_text()))


def settings_variables() -> set[str]:
    names = set()
    for settings in (GatewaySettings, StorageSettings, DossierSettings, KnowledgeSettings, ActionServerSettings):
        prefix = settings.model_config.get("env_prefix", "")
        names |= {f"{prefix}{field}".upper() for field in settings.model_fields}
    return names


KNOWN_VARIABLES = settings_variables() | ENDPOINT_VARIABLES | RUNTIME_VARIABLES


def secret_keys() -> set[str]:
    lines = (DEPLOY / "secrets.example.env").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}


# ---- Dockerfile ----------------------------------------------------------------------------------

def stages() -> dict[str, list]:
    found: dict[str, list] = {}
    current = found.setdefault("", [])  # the build arguments before the first stage
    for command in dockerfile.parse_file(str(DEPLOY / "Dockerfile")):
        if command.cmd == "FROM":
            current = found.setdefault(command.value[-1], [])
        else:
            current.append(command)
    return found


def test_the_image_has_both_environments_built_and_runs_as_a_user():
    built = stages()
    assert {"rasa-build", "app-build", "rasa", "app"} <= set(built)
    for runtime in ("rasa", "app"):
        users = [c.value[0] for c in built[runtime] if c.cmd == "USER"]
        assert users and users[-1] not in {"root", "0"}, runtime
    # Models are built into the image, with the Makefile's own recipe: nothing is fetched at start.
    train = next(c.value[0] for c in built["rasa-build"] if c.cmd == "RUN" and " train " in c.value[0])
    recipe = re.search(r"\$\(RASA\) (train[^\n]*\n[^\n]*)", (ROOT / "Makefile").read_text()).group(1)
    assert shlex.split(train.replace("\\\n", " "))[1:] == shlex.split(recipe.replace("\\\n", " "))
    assert any("-m knowledge build" in c.value[0] for c in built["app-build"] if c.cmd == "RUN")
    for runtime, process in (("rasa", "rasa"), ("app", "gateway")):
        (cmd,) = [c for c in built[runtime] if c.cmd == "CMD"]
        assert check_command(list(cmd.value))[0] == process
    copied = {c.value[0] for c in built["rasa"] if c.cmd == "COPY"}
    assert f"/app/{RASA_MODEL.rsplit('/', 1)[0]}" in copied
    assert "/app/models/knowledge" in {c.value[0] for c in built["app"] if c.cmd == "COPY"}


def test_the_image_copies_what_exists_and_every_package_the_processes_import():
    built = stages()
    for name, commands in built.items():
        for command in commands:
            if command.cmd == "COPY" and not any(f.startswith("--from") for f in command.flags):
                for source in command.value[:-1]:
                    assert source == "." or (ROOT / source).exists(), f"{name}: COPY {source}"
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks", "scripts"}
    assert packages <= {c.value[0] for c in built["app"] if c.cmd == "COPY"}
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".venv-rasa", "models", "var"} <= set(ignored)


# ---- commands, shared by compose and Kubernetes --------------------------------------------------

def argv(command: list[str]) -> list[str]:
    if command[:2] == ["sh", "-c"]:
        words = shlex.split(command[2])
        return words[1:] if words[0] == "exec" else words
    return command


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def check_command(command: list[str]) -> tuple[str, int]:
    """What a container runs ("rasa", "actions" or "gateway") and its port, after checking that what
    it names exists."""
    args = argv(command)
    if args[0] == ".venv-rasa/bin/python":
        # bot.serve runs `rasa run` with the API token from RASA_AUTH_TOKEN: none on the command line (ps)
        assert args[1:4] == ["-m", "bot.serve", "run"] and option(args, "--model") == RASA_MODEL
        assert (ROOT / option(args, "--endpoints")).name == "endpoints.production.yml"
        assert (ROOT / option(args, "--credentials")).exists() and "--enable-api" in args
        assert not [a for a in args if "auth-token" in a or "RASA_AUTH_TOKEN" in a]
        return "rasa", int(option(args, "--port"))
    assert args[0] == ".venv/bin/python"
    if args[1:3] == ["-m", "rasa_sdk"]:
        assert importlib.util.find_spec(option(args, "--actions"))
        return "actions", int(option(args, "--port"))
    assert args[1:3] == ["-m", "uvicorn"] and "--factory" in args
    # uvicorn's own proxy handling would believe any (local, or with "*" every) peer's X-Forwarded-For:
    # off, the gateway believes only TRUSTED_PROXIES.
    assert "--no-proxy-headers" in args and "--proxy-headers" not in args and "--forwarded-allow-ips" not in args
    # Header size, connections and keep-alive bounded as the supervisor's gateway is (attack run 3, F5).
    assert " ".join(GATEWAY_SERVER_OPTIONS) in " ".join(args)
    module, factory = next(a for a in args if ":" in a).split(":")
    assert callable(getattr(importlib.import_module(module), factory))
    return "gateway", int(option(args, "--port"))


def check_variables(names: set[str]) -> None:
    unknown = names - KNOWN_VARIABLES
    assert not unknown, f"set but read by nothing: {sorted(unknown)}"


def check_urls(environment: dict[str, str], ports: dict[str, int]) -> None:
    """RASA_URL, ACTION_SERVER_URL, ACTION_ENDPOINT_URL name a service on the port it listens on."""
    for variable, target in (("RASA_URL", "rasa"), ("ACTION_SERVER_URL", "actions"), ("ACTION_ENDPOINT_URL", "actions")):
        if variable in environment:
            url = urlsplit(environment[variable])
            assert (url.hostname, url.port) == (target, ports[target]), variable


# ---- compose -------------------------------------------------------------------------------------

def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_runs_the_three_processes_behind_one_load_balancer():
    services = compose()["services"]
    ours = {name: s for name, s in services.items() if s["image"].startswith("dvc-")}
    ports = dict(check_command(s["command"]) for s in ours.values())
    assert set(ports) == {"rasa", "actions", "gateway"} and set(ours) == set(ports)
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"lb"}  # Rasa, the action server and the gateways only on the internal network
    # The load balancer shares a network with the gateways only (compose networks are not directional:
    # the finer rules are Kubernetes' NetworkPolicies below).
    networks = {name: set(s["networks"]) for name, s in services.items()}
    assert all(not networks["lb"] & networks[name] for name in services if name not in {"lb", "gateway"})
    upstream = re.search(r"server (\w+):(\d+)", (DEPLOY / "nginx.conf").read_text())
    assert (upstream.group(1), int(upstream.group(2))) == ("gateway", ports["gateway"])
    for name, service in ours.items():
        assert service["deploy"]["replicas"] >= 2, name
        health = " ".join(service["healthcheck"]["test"])
        assert f"127.0.0.1:{ports[name]}/" in health, name
        check_variables(set(service["environment"]))
        check_urls(service["environment"], ports)
    assert set(ours["rasa"]["environment"]) >= ENDPOINT_VARIABLES
    assert {"TRACKER_DB_HOST", "REDIS_HOST"} <= set(ours["rasa"]["environment"])


def test_the_secrets_listed_are_read_by_the_code():
    check_variables(secret_keys() - {"POSTGRES_PASSWORD"})  # that one is the PostgreSQL image's


# ---- Kubernetes ----------------------------------------------------------------------------------

def manifests() -> list[dict]:
    listed = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())["resources"]
    return [doc for name in listed for doc in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()) if doc]


def of_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifests() if doc["kind"] == kind}


@pytest.mark.parametrize("manifest", manifests(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_is_valid_kubernetes(manifest):
    validate_k8s(manifest, K8S_VERSION, strict=True)


def test_each_process_is_a_deployment_with_its_service_and_autoscaler():
    deployments, services, autoscalers = of_kind("Deployment"), of_kind("Service"), of_kind("HorizontalPodAutoscaler")
    config = next(iter(of_kind("ConfigMap").values()))["data"]
    ports = {}
    for name, deployment in deployments.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        process, port = check_command(container["command"])
        ports[process] = port
        assert process == name
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
        declared = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert declared == {"http": port}
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"]["port"] in declared
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        service = services[name]
        assert service["spec"]["selector"].items() <= labels.items()
        assert service["spec"]["ports"][0]["port"] == port and service["spec"]["ports"][0]["targetPort"] in declared
        assert autoscalers[name]["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert autoscalers[name]["spec"]["minReplicas"] >= 2
        # Every variable it is given is one the code reads; secrets come from dvc-secrets' listed keys.
        given = set(config) if {"configMapRef": {"name": "dvc-config"}} in container.get("envFrom", []) else set()
        for variable in container.get("env", []):
            given.add(variable["name"])
            assert variable["valueFrom"]["secretKeyRef"]["key"] in secret_keys()
        if {"secretRef": {"name": "dvc-secrets"}} in container.get("envFrom", []):
            given |= secret_keys() - {"POSTGRES_PASSWORD"}
        check_variables(given)
        if process == "rasa":
            assert given >= ENDPOINT_VARIABLES
            assert "RASA_AUTH_TOKEN" in given  # bot.serve hands it to Rasa
    assert set(deployments) == {"rasa", "actions", "gateway"}
    check_urls(config, ports)
    ingress = next(iter(of_kind("Ingress").values()))
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "gateway" and backend["port"]["name"] == "http"


# Who may open a connection to each process's pods: Rasa only from the gateways, the action server
# only from Rasa and the gateways (its health check). The gateway is the public entry point.
ALLOWED_CALLERS = {"rasa": {"gateway"}, "actions": {"rasa", "gateway"}}


def test_only_the_gateway_reaches_rasa_and_only_rasa_and_the_gateway_the_action_server():
    deployments, policies = of_kind("Deployment"), list(of_kind("NetworkPolicy").values())
    component = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in deployments.items()}

    def selected(selector: dict) -> set[str]:
        return {name for name, labels in component.items() if selector["matchLabels"].items() <= labels.items()}

    for target, callers in ALLOWED_CALLERS.items():
        (container,) = deployments[target]["spec"]["template"]["spec"]["containers"]
        port = container["ports"][0]["containerPort"]
        governing = [p for p in policies if target in selected(p["spec"]["podSelector"])]
        assert governing and all("Ingress" in p["spec"]["policyTypes"] for p in governing), target
        allowed: set[str] = set()
        for policy in governing:
            for rule in policy["spec"].get("ingress", []):
                peers = rule.get("from")
                # A rule without peers, or with a namespace or address block, lets anyone in.
                assert peers and all(set(peer) == {"podSelector"} for peer in peers), target
                assert [p["port"] for p in rule["ports"]] == [port], target
                allowed |= {name for peer in peers for name in selected(peer["podSelector"])}
        assert allowed == callers, target


def test_the_rasa_token_is_on_no_command_line_and_reaches_rasa_whole():
    """``ps`` shows every local user a process's command line: the supervisor's Rasa command names no
    token; bot.serve adds RASA_AUTH_TOKEN to Rasa's own arguments in-process. A token drawn as "-…" once
    made `rasa run` stop with "argument -t/--auth-token: expected one argument": it reaches Rasa whole."""
    import subprocess

    from scripts.run import RASA_PYTHON, rasa_process

    token = "-Xy_z1"
    command = rasa_process({"RASA_AUTH_TOKEN": token}, Path("models/rasa/m.tar.gz"), "5005").command
    assert command[1:3] == ["-m", "bot.serve"] and not [a for a in command if token in a or "auth-token" in a]
    # Rasa's own parser, in its environment, reads the arguments bot.serve makes of that command.
    parsed = subprocess.run(
        [str(RASA_PYTHON), "-c", "import os, sys; from bot.serve import rasa_argv; "
         "from rasa.__main__ import create_argument_parser; "
         "args = create_argument_parser().parse_args(rasa_argv(sys.argv[1:], os.environ)); "
         "print(args.auth_token, args.enable_api)", *command[3:]],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "RASA_AUTH_TOKEN": token},
        capture_output=True, text=True, timeout=120)
    assert parsed.stdout.split() == [token, "True"], parsed.stderr[-2000:]


def test_rasa_s_api_is_not_opened_without_a_token_nor_given_one_on_the_command_line():
    from bot.serve import rasa_argv

    assert rasa_argv(["run", "--enable-api"], {"RASA_AUTH_TOKEN": "t"}) == ["run", "--enable-api", "--auth-token=t"]
    assert rasa_argv(["run"], {}) == ["run"]  # no HTTP API: nothing to protect
    for args, environ in ((["run", "--enable-api"], {}), (["run", "--auth-token=x"], {"RASA_AUTH_TOKEN": "t"}),
                          (["run", "-t", "x"], {})):
        with pytest.raises(SystemExit):
            rasa_argv(args, environ)
