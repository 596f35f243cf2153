"""Morphology: geometry against the formulas, the tree's names and numbers, error messages."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from labkit import Cylinder, Morphology, Section, Soma, cm, mV, seed, um
from labkit.spatial.topology import Topology

DATA = pathlib.Path(__file__).parent / "data"


def ball_and_stick():
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=500 * um, n=50)
    return morpho


def test_soma_is_one_sphere():
    soma = Soma(diameter=20 * um)
    assert soma.n == 1 and soma.is_spherical
    assert np.allclose(np.asarray(soma.area), np.pi * 20e-6 ** 2)
    assert np.allclose(np.asarray(soma.volume), np.pi * 20e-6 ** 3 / 6)
    assert soma.area.dim == (um ** 2).dim and soma.volume.dim == (um ** 3).dim
    assert np.asarray(soma.distance).tolist() == [0.0]
    assert soma.coordinates is None and soma.x is None


def test_cylinder_compartments_split_the_length():
    dend = Cylinder(diameter=2 * um, length=500 * um, n=50)
    assert dend.n == 50
    assert np.allclose(np.asarray(dend.length), 10e-6)
    assert np.allclose(np.asarray(dend.area), np.pi * 2e-6 * 10e-6)
    assert np.allclose(np.asarray(dend.volume), np.pi * 1e-6 ** 2 * 10e-6)
    # axial conductance terms: pi d^2 / (2 l) for each half compartment
    assert np.allclose(np.asarray(dend.r_length_1), np.pi * 4e-12 / 2 / 10e-6)


def test_section_is_truncated_cones_with_mid_diameters():
    cone = Section(diameter=[4, 2, 2] * um, length=[3, 5] * um, n=2)
    assert np.allclose(np.asarray(cone.diameter), [3e-6, 2e-6])
    assert np.allclose(np.asarray(cone.start_diameter), [4e-6, 2e-6])
    assert np.allclose(np.asarray(cone.end_diameter), [2e-6, 2e-6])
    slant = np.sqrt(3e-6 ** 2 + 1e-6 ** 2)
    assert np.allclose(np.asarray(cone.area), [np.pi * 3e-6 * slant, np.pi * 2e-6 * 5e-6])
    assert np.allclose(np.asarray(cone.volume)[0], np.pi * 3e-6 * (16 + 8 + 4) * 1e-12 / 12)


def test_coordinates_give_the_lengths_and_are_relative_to_the_parent():
    morpho = Soma(diameter=10 * um, x=100 * um)
    morpho.axon = Section(diameter=[1, 1, 1] * um, n=2, x=[0, 3, 3] * um, y=[0, 4, 14] * um)
    assert np.allclose(np.asarray(morpho.axon.length), [5e-6, 10e-6])
    assert np.allclose(np.asarray(morpho.axon.end_x), [103e-6, 103e-6])
    assert np.allclose(np.asarray(morpho.axon.x), [101.5e-6, 103e-6])
    assert morpho.axon.coordinates.shape == (3, 3)


def test_distance_runs_from_the_root_through_the_tree():
    morpho = ball_and_stick()
    morpho.dend.branch = Cylinder(diameter=1 * um, length=100 * um, n=4)
    assert np.allclose(np.asarray(morpho.dend.distance)[[0, -1]], [5e-6, 495e-6])
    assert np.allclose(np.asarray(morpho.dend.branch.distance), [512.5e-6, 537.5e-6,
                                                                 562.5e-6, 587.5e-6])


def test_tree_by_attribute_by_index_and_chained_short_names():
    morpho = ball_and_stick()
    morpho.dend.L = Cylinder(diameter=1 * um, length=50 * um, n=5)
    morpho["dend"]["R"] = Cylinder(diameter=1 * um, length=50 * um, n=5)
    morpho.dend.R.L = Cylinder(diameter=0.5 * um, length=20 * um, n=2)
    assert morpho.dend.RL is morpho.dend.R.L is morpho["dend"]["RL"]
    assert morpho.dend["1"] is morpho.dend.L and morpho.dend["2"] is morpho.dend.R
    assert morpho.total_sections == 5 and morpho.total_compartments == 1 + 50 + 5 + 5 + 2
    assert morpho.dend.R.indices[:].tolist() == list(range(56, 61))
    assert morpho.dend.RL.indices[:].tolist() == [61, 62]
    assert morpho.indices[:] == 0 and morpho.dend.indices[-1] == 50
    del morpho.dend.L
    assert morpho.total_compartments == 58 and morpho.dend.R.indices[0] == 51
    assert morpho.dend.R.parent is morpho.dend


def test_distance_indexing_follows_brian2s_boundary_rules_and_the_section_end():
    dend = ball_and_stick().dend
    assert dend[25 * um].indices[:].tolist() == [3]      # inside compartment 2 (1-based 3)
    assert dend[30 * um].indices[:].tolist() == [4]      # a boundary: the next compartment
    assert dend[0 * um].indices[:].tolist() == [1]
    # the end of the section is its last compartment (Brian2 2.9 gives the one after)
    assert dend[500 * um].indices[:].tolist() == [50]
    assert dend[10 * um:30 * um].indices[:].tolist() == [2, 3]
    assert np.allclose(np.asarray(dend[12 * um:33 * um].distance), [15e-6, 25e-6, 35e-6])


@pytest.mark.parametrize("item, error, words", [
    (600 * um, IndexError, "outside this section, which is 500 um long"),
    (-1 * um, IndexError, "outside this section"),
    (50, IndexError, "compartment 50 does not exist"),
    (slice(1, 10, 2), TypeError, "must be contiguous"),
    (slice(1 * um, 10 * um, 2), TypeError, "cannot have a step"),
    (slice(1 * um, 10), TypeError, "use compartment indices"),
    (1.5, TypeError, "cannot index a morphology"),
    (5 * mV, TypeError, "cannot index a morphology"),
    ("axon", AttributeError, "the sub-tree 'axon' does not exist"),
])
def test_bad_indices_say_what_to_write(item, error, words):
    morpho = ball_and_stick()
    target = morpho if isinstance(item, str) else morpho.dend
    with pytest.raises(error, match=words):
        target[item]


@pytest.mark.parametrize("build, error, words", [
    (lambda: Cylinder(diameter=1 * um, length=10 * um, n=0), ValueError, "at least one"),
    (lambda: Cylinder(diameter=1 * um, length=10 * um, n=2.5), TypeError, "whole number"),
    (lambda: Cylinder(diameter=1 * um, length=10 * um, n="axon"), TypeError, "from_file"),
    (lambda: Cylinder(diameter=1, length=10 * um), TypeError, "diameter must be a length"),
    (lambda: Cylinder(diameter=1 * um, length=10 * cm ** 2), TypeError, "length must be"),
    (lambda: Cylinder(diameter=1 * um), TypeError, "give its length"),
    (lambda: Cylinder(diameter=1 * um, length=5 * um, x=[0, 5] * um), TypeError, "not both"),
    (lambda: Cylinder(diameter=1 * um, x=[0, 5, 6] * um), TypeError, "needs 2 values"),
    (lambda: Section(diameter=[1, 2] * um, n=2, length=[1, 1] * um), TypeError, "needs 3"),
    (lambda: Section(diameter=[1, 2, 3] * um, n=2, length=[1] * um), TypeError, "needs 2"),
    (lambda: Soma(diameter=[1, 2] * um), TypeError, "needs 1 value"),
])
def test_bad_sections_are_refused_with_the_fix(build, error, words):
    with pytest.raises(error, match=words):
        build()


def test_tree_errors_name_the_fix():
    morpho = ball_and_stick()
    with pytest.raises(TypeError, match="ambiguous: use morpho.n"):
        len(morpho)
    with pytest.raises(AttributeError, match="already used"):
        morpho.dend = Cylinder(diameter=1 * um, length=5 * um)
    with pytest.raises(TypeError, match="only a Soma, Cylinder or Section"):
        morpho["x"] = 3


def test_topology_text_and_its_scaling_for_long_sections():
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=500 * um, n=5)
    morpho.dend.L = Cylinder(diameter=1 * um, length=50 * um, n=2)
    assert str(morpho.topology()) == ("( )  [root]\n   `-----|  .dend\n"
                                      "          `--|  .dend.L\n")
    long = Soma(diameter=20 * um)
    long.axon = Cylinder(diameter=1 * um, length=1000 * um, n=400)
    assert str(Topology(long)).splitlines()[1] == "   `" + "-" * 40 + "|  .axon"


def test_generated_coordinates_keep_lengths_and_names_and_repeat_with_a_seed():
    morpho = ball_and_stick()
    morpho.dend.L = Cylinder(diameter=1 * um, length=50 * um, n=5)
    flat = morpho.generate_coordinates()
    assert flat.dend.L is flat.dend["1"]
    assert np.allclose(np.asarray(flat.dend.coordinates)[:, 2], 0)   # a flat layout
    seed(3)
    bent = morpho.generate_coordinates(section_randomness=20, compartment_randomness=10)
    seed(3)
    again = morpho.generate_coordinates(section_randomness=20, compartment_randomness=10)
    assert np.array_equal(np.asarray(bent.dend.L.coordinates),
                          np.asarray(again.dend.L.coordinates))
    assert type(bent.dend).__name__ == "Section"          # bent compartments: no Cylinder
    assert np.allclose(np.asarray(bent.dend.length), np.asarray(morpho.dend.length))
    assert morpho.dend.coordinates is None                # the original is unchanged


def test_from_file_reads_swc_and_names_sections_by_type():
    morpho = Morphology.from_file(DATA / "three_point_soma.swc")
    assert morpho.is_spherical and np.allclose(np.asarray(morpho.diameter), 20e-6)
    assert [morpho.children.name(c) for c in morpho.children] == ["dend", "axon"]
    assert morpho.dend.L is morpho.dend.dend and morpho.dend.R is morpho.dend.dend2
    assert morpho.axon.n == 3 and np.allclose(np.asarray(morpho.axon.end_x)[-1], -80e-6)
    points = Morphology.from_swc_file(DATA / "no_soma.swc")
    assert points.type == "axon" and points.n == 2
    assert [points.dend.children.name(c) for c in points.dend.children] == \
        [None, "dend", "dend2"]
    assert points.dend["3"] is points.dend.dend2


@pytest.mark.parametrize("text, words", [
    ("1 1 0 0 0 5\n", "7 entries"),
    ("1 1 0 0 0 5 -1\n2 3 0 5 0 1 7\n", "its parent 7 was not found"),
    ("1 1 0 0 0 5 -1\n1 3 0 5 0 1 1\n", "two points have the index 1"),
    ("1 1 0 0 0 5 -1\n2 3 0 5 0 1 2\n", "names itself"),
    ("# only a comment\n", "holds no SWC points"),
    ("1 1 0 0 0 5 -1\n2 1 0 -3 0 5 1\n3 1 0 5 0 5 1\n", "not one radius"),
    ("1 1 0 0 0 5 -1\n2 1 0 -5 0 4 1\n3 1 0 5 0 5 1\n", "diameters differ"),
    ("1 3 0 0 0 1 -1\n2 2 0 5 0 1 1\n", "a section needs two points"),
])
def test_bad_swc_files_are_refused_with_the_line(tmp_path, text, words):
    path = tmp_path / "cell.swc"
    path.write_text(text)
    with pytest.raises(ValueError, match=words):
        Morphology.from_file(path)


def test_only_swc_files_load():
    with pytest.raises(ValueError, match="only SWC files"):
        Morphology.from_file("cell.asc")


def test_from_points_takes_diameters_and_names():
    morpho = Morphology.from_points([(1, "soma", 0, 0, 0, 10, -1),
                                     (2, "dend", 10, 0, 0, 2, 1),
                                     (3, "dend", 30, 0, 0, 2, 2)])
    assert morpho.dend.n == 2 and np.allclose(np.asarray(morpho.dend.length), [10e-6, 20e-6])
    with pytest.raises(ValueError, match="needs 7"):
        Morphology.from_points([(1, "soma", 0, 0, 0, 10)])
