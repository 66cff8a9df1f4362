"""Custom Rasa 3 graph components for Vietnamese.

- ``VietnameseTokenizer``: underthesea word segmentation; multi-syllable words become one
  token ("thủ_tục") because CountVectorsFeaturizer splits on ``\\w+``.
- ``VietnameseNormalizer``: runs after the tokenizer; expands abbreviations/teencode in
  token texts (cccd -> căn_cước_công_dân) and puts an accent-folded copy in each token's
  lemma, so a featurizer with ``use_lemma: true`` sees "lam giay khai sinh" and
  "làm giấy khai sinh" alike.

All text logic lives in ``bot/vietnamese.py``; these classes only adapt it to Rasa.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.rasa_speedups  # noqa: F401 - Rasa imports this module at start-up: the place to patch it
from bot.vietnamese import expand_word, fold, segment


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """Word tokens from underthesea, with offsets into the original message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent_tokenization_flag": False, "intent_split_symbol": "_", "token_pattern": None}

    @staticmethod
    def supported_languages() -> List[Text]:
        return ["vi"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        tokens = [Token(word, start, end) for word, start, end in segment(text)]
        return self._apply_token_pattern(tokens)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class VietnameseNormalizer(GraphComponent):
    """Abbreviation expansion and accent-folded lemmas on the tokens of every text attribute."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseNormalizer:
        return cls()

    @staticmethod
    def normalize_tokens(message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            token.text = expand_word(token.text)
            token.lemma = fold(token.text)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.normalize_tokens(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self.normalize_tokens(message)
        return training_data
