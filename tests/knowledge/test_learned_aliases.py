"""What officers teach the search: a citizen's wording tied to a procedure decides the answer at once,
and is written to the catalogue's aliases file for review."""

from knowledge.__main__ import main
from knowledge.catalogue import get_procedure, phrase_key, procedure_aliases
from knowledge.search import Hit, SearchResult, prefer_learned
from storage import aliases

MARITAL, BIRTH, DEATH = "1.004873", "1.001193", "1.000656"


def unsure(question: str) -> SearchResult:
    hits = [Hit(BIRTH, get_procedure(BIRTH).name, 0.61), Hit(DEATH, get_procedure(DEATH).name, 0.6)]
    return SearchResult(question, confident=False, results=hits, variants=hits[1:])


def test_a_learned_phrase_in_the_question_puts_its_procedure_first_and_answers_it_outright():
    learned = {phrase_key("Giấy còn độc thân"): MARITAL}
    result = prefer_learned(unsure("cho mình hỏi xin giay con doc than ở đâu ạ?"), learned)
    assert [h.code for h in result.results][:2] == [MARITAL, BIRTH]
    assert result.answers_outright and result.learned == "giay con doc than"
    assert prefer_learned(unsure("làm giấy khai sinh"), learned).results[0].code == BIRTH  # not in the question


def test_the_longest_learned_phrase_wins_and_a_vanished_procedure_is_ignored():
    learned = {phrase_key("giấy chứng"): BIRTH, phrase_key("giấy chứng tử"): DEATH, phrase_key("giấy ma"): "9.999999"}
    assert prefer_learned(unsure("xin giấy chứng tử cho bà"), learned).results[0].code == DEATH
    kept = prefer_learned(unsure("xin giấy ma"), learned)
    assert kept.results[0].code == BIRTH and not kept.confident


def test_export_appends_new_aliases_once_for_review(app_db, tmp_path, capsys):
    data = tmp_path / "procedure_aliases.tsv"
    data.write_text(f"# aliases\n{MARITAL}\tgiấy độc thân\n", encoding="utf-8")
    aliases.add("giấy độc thân", phrase_key("giấy độc thân"), MARITAL, "an")  # already in the file
    aliases.add("giấy còn độc thân", phrase_key("giấy còn độc thân"), MARITAL, "an")
    aliases.add("giấy báo mất người nhà", phrase_key("giấy báo mất người nhà"), DEATH, "bình")
    assert main(["export-aliases", "--output", str(data)]) == 0
    assert procedure_aliases(data) == {MARITAL: ["giấy độc thân", "giấy còn độc thân"], DEATH: ["giấy báo mất người nhà"]}
    assert main(["export-aliases", "--output", str(data)]) == 0  # nothing new the second time
    assert "0 learned aliases" in capsys.readouterr().out.splitlines()[-1]
    assert procedure_aliases(data)[MARITAL] == ["giấy độc thân", "giấy còn độc thân"]
