"""The comparison engine on model objects alone: config, layers, history, sides, folding."""

from __future__ import annotations

from datetime import UTC, datetime

from tagtui.compare import Side, compare, compare_config, compare_history, compare_layers
from tagtui.compare.model import ConfigChange
from tagtui.model import HistoryEntry, Image, ImageConfig, Layer, Platform, Port, TagDetail


def _layer(name: str, size: int = 100, created_by: str | None = None) -> Layer:
    return Layer(f"sha256:{name * 64}"[:71], size=size, created_by=created_by or f"RUN {name}")


def _side(config: ImageConfig, layers: tuple[Layer, ...] = (), digest: str = "sha256:a") -> Side:
    return Side.of_image(f"r/app@{digest}", Image(digest, None, config=config, layers=layers))


def test_scalars_env_labels_ports_and_volumes() -> None:
    a = ImageConfig(
        entrypoint=("/bin/app",),
        cmd=("serve",),
        user="app",
        working_dir="/srv",
        env=(("PATH", "/usr/bin"), ("MODE", "dev"), ("OLD", "1")),
        labels=(("version", "1"), ("team", "core")),
        ports=(Port(80), Port(53, "udp")),
        volumes=("/data",),
    )
    b = ImageConfig(
        entrypoint=("/bin/app2", "--flag"),
        cmd=("serve",),
        user="",  # docker's "no user": the same as none
        working_dir="/srv",
        env=(("PATH", "/usr/bin"), ("MODE", "prod"), ("NEW", "x=y")),
        labels=(("version", "2"), ("team", "core")),
        ports=(Port(80), Port(8080)),
        volumes=("/cache",),
    )
    assert compare_config(a, b) == (
        ConfigChange("entrypoint", None, ("/bin/app",), ("/bin/app2", "--flag")),
        ConfigChange("user", None, "app", None),
        ConfigChange("env", "MODE", "dev", "prod"),
        ConfigChange("env", "OLD", "1", None),
        ConfigChange("env", "NEW", None, "x=y"),
        ConfigChange("labels", "version", "1", "2"),
        ConfigChange("ports", "53/udp", "53/udp", None),
        ConfigChange("ports", "8080/tcp", None, "8080/tcp"),
        ConfigChange("volumes", "/data", "/data", None),
        ConfigChange("volumes", "/cache", None, "/cache"),
    )
    kinds = [change.kind for change in compare_config(a, b)]
    assert kinds[:5] == ["changed", "removed", "changed", "removed", "added"]


def test_equal_configs_and_empty_values_have_no_changes() -> None:
    a = ImageConfig(entrypoint=(), cmd=None, user=None, env=(("A", "1"),))
    b = ImageConfig(entrypoint=None, cmd=(), user="", env=(("A", "1"),))
    assert compare_config(a, b) == ()


def test_the_last_value_of_a_repeated_env_var_wins_as_in_docker() -> None:
    a = ImageConfig(env=(("A", "1"), ("A", "2")))
    b = ImageConfig(env=(("A", "2"),))
    assert compare_config(a, b) == ()


def test_platform_fields_differ_last() -> None:
    a = ImageConfig(os="linux", architecture="amd64", env=(("A", "1"),))
    b = ImageConfig(os="linux", architecture="arm64", variant="v8", env=(("A", "2"),))
    assert [c.field for c in compare_config(a, b)] == ["env", "architecture", "variant"]


def test_layers_base_shared_and_only_in_each() -> None:
    base = (_layer("0", 1000), _layer("1", 200))
    a = (*base, _layer("a", 30), _layer("c", 5))
    b = (*base, _layer("b", 40), _layer("c", 5), _layer("d", 6))
    layers = compare_layers(a, b)
    assert layers.base == 2
    # c is in both (past the base): shared, never "only in" either.
    assert layers.shared == (*base, _layer("c", 5))
    assert layers.only_in_a == (_layer("a", 30),)
    assert layers.only_in_b == (_layer("b", 40), _layer("d", 6))
    assert (layers.shared_size, layers.only_in_a_size, layers.only_in_b_size) == (1205, 30, 46)
    assert not layers.equal
    assert layers.only_in_b[0].created_by == "RUN b"


def test_layers_without_a_common_base_or_size() -> None:
    a = (_layer("a"), Layer("sha256:nosize"))
    b = (_layer("b"),)
    layers = compare_layers(a, b)
    assert layers.base == 0 and layers.shared == ()
    assert layers.only_in_a_size is None  # one size unknown: no total
    assert layers.shared_size == 0


def test_a_repeated_layer_is_shared_only_as_often_as_the_other_has_it() -> None:
    empty = _layer("e", 32)
    layers = compare_layers((empty, empty), (empty,))
    assert layers.shared == (empty,) and layers.only_in_a == (empty,) and layers.base == 1


def test_same_layers_in_another_order_are_not_equal() -> None:
    one, two = _layer("1"), _layer("2")
    layers = compare_layers((one, two), (two, one))
    assert not layers.equal and layers.base == 0
    assert layers.only_in_a == layers.only_in_b == ()
    assert compare_layers((one, two), (one, two)).equal


def test_history_after_the_shared_entries() -> None:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    base = (HistoryEntry(when, "ADD rootfs /"), HistoryEntry(when, "ENV A=1", empty_layer=True))
    a = (*base, HistoryEntry(when, "RUN a"))
    b = (*base, HistoryEntry(when, "RUN b"), HistoryEntry(when, "CMD x", empty_layer=True))
    history = compare_history(a, b)
    assert history.shared == 2
    assert [e.created_by for e in history.only_in_a] == ["RUN a"]
    assert [e.created_by for e in history.only_in_b] == ["RUN b", "CMD x"]
    assert not history.equal
    assert compare_history(a, a).equal


def test_compare_folds_equal_sections() -> None:
    layers = (_layer("0"),)
    config = ImageConfig(env=(("A", "1"),), history=(HistoryEntry(None, "ADD /"),))
    a = _side(config, layers, "sha256:a")
    b = _side(ImageConfig(env=(("A", "2"),), history=config.history), layers, "sha256:b")
    comparison = compare(a, b)
    assert not comparison.identical
    assert not comparison.config_equal
    assert comparison.layers.equal and comparison.history.equal
    assert comparison.changes("env") == (ConfigChange("env", "A", "1", "2"),)
    assert comparison.changes("labels") == ()

    same = compare(a, _side(config, layers, "sha256:a"))
    assert same.identical and same.equal


def test_an_unknown_digest_is_never_identical() -> None:
    a = Side.of_image("r/a", Image(None, None))
    assert not compare(a, a).identical


def test_side_of_an_index_names_its_platform_and_the_others() -> None:
    amd = Platform("linux", "amd64", "sha256:amd", size=10)
    arm = Platform("linux", "arm64", "sha256:arm", variant="v8", size=10)
    att = Platform("unknown", "unknown", "sha256:att", is_attestation=True, attests="sha256:amd")
    detail = TagDetail(
        "host/r:1",
        "r",
        "1",
        "sha256:index",
        "application/vnd.oci.image.index.v1+json",
        platforms=(amd, arm, att),
    )
    created = datetime(2024, 4, 1, tzinfo=UTC)
    image = Image(
        "sha256:arm",
        None,
        config=ImageConfig(created=created, os="linux", architecture="arm64", variant="v8"),
        layers=(_layer("1", 7), _layer("2", 8)),
    )
    side = Side.of(detail, image, arm)
    assert side.digest == "sha256:index" and side.image_digest == "sha256:arm"
    assert side.platform == "linux/arm64/v8"
    assert side.platforms == ("linux/amd64", "linux/arm64/v8")  # no attestation
    assert side.is_index and side.created == created and side.size == 15

    single = TagDetail("host/r:2", "r", "2", "sha256:arm", None, image=image)
    one = Side.of(single, image)
    assert not one.is_index and one.platform == "linux/arm64/v8" and one.platforms == ()
