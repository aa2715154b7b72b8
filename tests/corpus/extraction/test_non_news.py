"""Text that is not news (a README, a table, a reference list, log lines)
yields few or no candidate events."""

import datetime

import pytest

from corpus.extraction.events import extract_events

ANCHOR = datetime.date(2024, 5, 6)

NON_NEWS = [
    pytest.param(
        "# scantool\n\nA small tool for resizing scans.\n\n## Changelog\n\n"
        "- 2.3.1 (2024-01-15): fixed the checksum of batch 1999-12 in the samples\n"
        "- 2.3.0 (2023-11-30): added a --quality flag for the exporter\n",
        id="readme-changelog",
    ),
    pytest.param(
        "batch,date,count,checksum\n1999-12,2023-04-01,1200,9f2c2023a1\n"
        "2000-01,2023-04-02,1180,aa01b2024c\n",
        id="csv-table",
    ),
    pytest.param(
        "References\n\n1. Wang L, Chen J. Deep learning for retinal images in rural"
        " clinics. Digit Health. 2019;1(2):45-52.\n"
        "2. Li X, et al. Hospital costs in three provinces, 2010-2015. Health Econ."
        " 2018;8:221-9.\n"
        "3. 张明. 医疗人工智能发展报告. 北京: 示例医学出版社, 2021.\n",
        id="bibliography",
    ),
    pytest.param(
        "2024-05-06 10:15:02 INFO worker started with four threads pid=4412\n"
        "2024-05-06 10:15:07 WARN retry 3 for job 2023-11 after upload error\n"
        "2024-05-06 10:16:44 ERROR upload failed: timeout after 30s on node b\n",
        id="log-lines",
    ),
]


@pytest.mark.parametrize("text", NON_NEWS)
def test_non_news_text_proposes_no_events(text):
    assert extract_events(text, published_on=ANCHOR) == []


def test_a_version_number_does_not_hide_a_dated_fact():
    text = "The hospital upgraded its records system to 2.0 in March 2024."
    assert [c.date.edtf for c in extract_events(text, published_on=ANCHOR)] == [
        "2024-03"
    ]
