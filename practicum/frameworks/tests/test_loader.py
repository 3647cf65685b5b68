import datetime
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from practicum.frameworks.loader import (
    DATA_DIR,
    FrameworkFileError,
    framework_load,
    framework_load_all,
)
from practicum.frameworks.models import (
    BehaviouralIndicator,
    Competency,
    EthicsClause,
    FrameworkVersion,
    QuestionnaireStatement,
    Sanction,
)

pytestmark = pytest.mark.django_db
CODE_FILE = DATA_DIR / "code_of_ethics" / "1.0.yaml"


def write(path: Path, doc: dict) -> Path:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def code_doc() -> dict:
    return yaml.safe_load(CODE_FILE.read_text(encoding="utf-8"))


def test_the_shipped_frameworks_load_faithfully():
    framework_load_all()
    code = FrameworkVersion.objects.get(kind="code_of_ethics", version="1.0")
    assert code.clauses.count() == 51
    assert [s.name for s in code.sanctions.all()][0] == "Warning"
    assert code.sanctions.count() == 6
    confidentiality = code.clauses.get(identifier="1.B.3")
    assert confidentiality.section_title == "Confidentiality"
    assert "digital files" in confidentiality.text
    assert code.clauses.get(identifier="1.A.7").text.startswith("IMC professionals will prioritize")
    assert len(code.content["values"]["items"]) == 7
    assert "I consent to the IMC’s authority" in code.content["pledge"]
    assert Competency.objects.count() == 9
    assert BehaviouralIndicator.objects.count() == 77
    assert Competency.objects.get(number=9).name == "Organisational Alignment"
    assert QuestionnaireStatement.objects.count() == 19


def test_loading_twice_adds_nothing():
    framework_load_all()
    counts = (FrameworkVersion.objects.count(), EthicsClause.objects.count())
    results = framework_load_all()
    assert not any(r.created for r in results)
    assert (FrameworkVersion.objects.count(), EthicsClause.objects.count()) == counts


def test_a_published_version_cannot_change(tmp_path):
    framework_load(path=CODE_FILE)
    doc = code_doc()
    doc["principle_groups"][0]["sections"][1]["clauses"][2] = "Something else entirely."
    with pytest.raises(FrameworkFileError, match="never change"):
        framework_load(path=write(tmp_path / "1.0.yaml", doc))
    assert "digital files" in EthicsClause.objects.get(identifier="1.B.3").text


def test_a_new_version_leaves_what_cites_the_old_one_intact(tmp_path):
    old = framework_load(path=CODE_FILE).framework
    cited = old.clauses.get(identifier="1.B.3")  # as a worksheet would hold it
    doc = code_doc()
    doc["version"] = "2.0"
    doc["effective_date"] = datetime.date(2025, 6, 1)
    doc["principle_groups"][0]["sections"][1]["clauses"][2] = "Members keep records securely."
    new = framework_load(path=write(tmp_path / "2.0.yaml", doc)).framework
    cited.refresh_from_db()
    assert "digital files" in cited.text and cited.framework == old
    assert new.clauses.get(identifier="1.B.3").text == "Members keep records securely."
    assert FrameworkVersion.objects.current("code_of_ethics") == new


def test_a_version_not_yet_in_force_is_not_current(tmp_path):
    framework_load(path=CODE_FILE)
    doc = code_doc()
    doc["version"] = "3.0"
    doc["effective_date"] = datetime.date.today() + datetime.timedelta(days=30)
    framework_load(path=write(tmp_path / "3.0.yaml", doc))
    assert FrameworkVersion.objects.current("code_of_ethics").version == "1.0"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), "missing 'version'"),
        (lambda d: d.update(kind="horoscope"), "unknown kind"),
        (lambda d: d.update(effective_date="soon"), "effective_date must be a date"),
        (lambda d: d.pop("pledge"), "missing 'pledge'"),
        (lambda d: d["principle_groups"][0]["sections"][0].pop("clauses"), "missing 'clauses'"),
    ],
)
def test_a_broken_file_says_where_and_why(tmp_path, mutate, message):
    doc = code_doc()
    mutate(doc)
    with pytest.raises(FrameworkFileError, match=message):
        framework_load(path=write(tmp_path / "x.yaml", doc))
    assert not FrameworkVersion.objects.exists()
    assert not EthicsClause.objects.exists()


def test_invalid_yaml_is_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [unclosed", encoding="utf-8")
    with pytest.raises(FrameworkFileError, match="not valid YAML"):
        framework_load(path=bad)


def test_questionnaire_bands_must_cover_every_total(tmp_path):
    source = DATA_DIR / "readiness_questionnaire" / "1.0.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    doc["bands"][0]["max"] -= 1
    with pytest.raises(FrameworkFileError, match="without gaps"):
        framework_load(path=write(tmp_path / "q.yaml", doc))
    assert not Sanction.objects.exists() and not QuestionnaireStatement.objects.exists()


def test_the_command_loads_everything():
    call_command("load_frameworks")
    assert FrameworkVersion.objects.count() == 3
