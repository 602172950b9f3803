"""三、主要负责人履职: the one figure of the head's duties no other part states, a manual one."""

from __future__ import annotations

from helpers.figures.catalogue import manual

manual(
    "leadership.accountability_assessment_score",
    "全区法治责任制考核得分",
    "分",
    "人工填报：区法治建设责任制考核中本局的得分（见年度参数文件）",
)
