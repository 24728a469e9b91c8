# caogao — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench model install clean

# setuptools is upgraded because the one a Python 3.11 venv starts with still has pkg_resources,
# which jieba imports when present: 0.07 s of every command that loads jieba.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

DEMO_FACTS := examples/青禾镇2023年上半年.yaml
DEMO_DRAFT := output/2023年上半年青禾镇政府工作报告.docx

# A draft already in output/ may have been edited: it is kept, never overwritten.
demo: $(STAMP)
	@if [ -e "$(DEMO_DRAFT)" ]; then \
		echo "$(DEMO_DRAFT) 已存在（您可能改过它），未覆盖；要重新生成，请先删除或改名。"; \
	else \
		$(BIN)/caogao build $(DEMO_FACTS) --seed 1 && \
		echo "用 Word 或 WPS 打开 $(DEMO_DRAFT) 即可继续修改。"; \
	fi

test: $(STAMP)
	$(BIN)/python -m pytest

# An editable install leaves src/ without bytecode; where PYTHONDONTWRITEBYTECODE is set,
# every command would compile caogao anew, and the benchmark would time that.
bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The classifier fitted on the shipped corpus and its clauses' POS tags ship with it (src/caogao/data/model-*.json.gz,
# tags-*.json.gz): a first build needs no fit and no tagger. After changing the corpus, the user dictionary,
# the classifier or the name rules, or upgrading jieba, rjieba or scikit-learn, make them again here.
model: $(STAMP)
	$(BIN)/python -m caogao.bank.ship

clean:
	rm -rf $(VENV) build dist .pytest_cache
