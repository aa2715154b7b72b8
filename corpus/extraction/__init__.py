"""Text analysis of news articles: dates, amounts, headers and candidate events.

A pure library (no Django imports): functions in, dataclasses out.
"""

from corpus.extraction.amounts import Amount, extract_amounts
from corpus.extraction.articles import ArticleAnalysis, analyse_article
from corpus.extraction.entities import EntityMention, find_entities
from corpus.extraction.events import CandidateDate, EventCandidate, extract_events
from corpus.extraction.headers import DocumentHeader, parse_date_string, parse_header
from corpus.extraction.sentences import Sentence, split_sentences
from corpus.extraction.timex import Timex, tag_dates

__all__ = [
    "Amount",
    "ArticleAnalysis",
    "CandidateDate",
    "DocumentHeader",
    "EntityMention",
    "EventCandidate",
    "Sentence",
    "Timex",
    "analyse_article",
    "extract_amounts",
    "extract_events",
    "find_entities",
    "parse_date_string",
    "parse_header",
    "split_sentences",
    "tag_dates",
]
