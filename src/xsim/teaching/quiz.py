"""Self-check quiz: single- or multiple-choice questions with immediate feedback and a score.

For notebook authors::

    from xsim.teaching import Question, Quiz
    Quiz([
        Question("联名提出协商事项，至少需要多少村民？",
                 ["十分之一以上", "五分之一以上", "过半数"], correct=0,
                 explanation="通知第一部分：十分之一以上村（居）民联名……", clause="§1.f"),
        Question("哪些属于协商主体？（多选）", ["业主委员会", "物业服务企业", "无关的外村商户"],
                 correct=[0, 1], explanation="……"),
    ])

``correct`` is the 0-based index of the right choice, or a list of indices for a multiple-choice
question (shown as check boxes). The first answer to each question counts for the score; the
trainee may try again and still sees the feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets

from xsim.errors import InputError
from xsim.teaching.common import (
    TeachingWidget,
    bad_html,
    button,
    clause_quote_html,
    esc,
    ok_html,
    safe_callback,
)

LETTERS = "ABCDEFGHIJ"


@dataclass
class Question:
    """One quiz question. ``correct``: index, or list of indices for multiple choice."""

    prompt: str
    choices: list[str]
    correct: int | list[int]
    explanation: str = ""
    clause: str | None = None
    multiple: bool = field(init=False)

    def __post_init__(self) -> None:
        self.multiple = not isinstance(self.correct, int)
        right = self.correct_set
        if len(self.choices) < 2 or len(self.choices) > len(LETTERS):
            raise InputError("<quiz>", "choices", "2 to 10 choices", "选项应为 2 到 10 个")
        if not right or any(i < 0 or i >= len(self.choices) for i in right):
            raise InputError(
                "<quiz>", "correct", "indices of existing choices", "正确答案须是已有选项的序号"
            )

    @property
    def correct_set(self) -> set[int]:
        return {self.correct} if isinstance(self.correct, int) else set(self.correct)

    def label(self, i: int) -> str:
        return f"{LETTERS[i]}. {self.choices[i]}"

    def right_answer_text(self) -> str:
        return "、".join(self.label(i) for i in sorted(self.correct_set))


class QuestionCard(TeachingWidget):
    """One question: the choices, a 提交答案 button, and the feedback line (``self.feedback``)."""

    kind_zh = "测验题"

    def __init__(self, question: Question, number: int = 1, on_answer=None):
        super().__init__()
        self.question = question
        self.on_answer = on_answer
        self.attempts = 0
        self.first_correct: bool | None = None
        labels = [question.label(i) for i in range(len(question.choices))]
        if question.multiple:
            self.checkboxes = [
                widgets.Checkbox(
                    value=False, description=lab, indent=False, layout=widgets.Layout(width="auto")
                )
                for lab in labels
            ]
            self.choice_box = widgets.VBox(self.checkboxes)
            hint = "（多选）"
        else:
            self.radio = widgets.RadioButtons(
                options=labels, value=None, layout=widgets.Layout(width="auto")
            )
            self.choice_box = self.radio
            hint = "（单选）"
        self.prompt = widgets.HTML(f"<b>第 {number} 题{hint}</b>　{esc(question.prompt)}")
        self.submit = button("提交答案")
        self.submit.on_click(self._on_submit)
        self.feedback = widgets.HTML("")
        self.children = [self.prompt, self.choice_box, self.submit, self.feedback, self.status]

    def selected(self) -> set[int]:
        """Indices the trainee has selected."""
        if self.question.multiple:
            return {i for i, cb in enumerate(self.checkboxes) if cb.value}
        if self.radio.value is None:
            return set()
        return {self.radio.options.index(self.radio.value)}

    def select(self, *indices: int) -> None:
        """Select choices by index (used by tests and by authors' demos)."""
        if self.question.multiple:
            for i, cb in enumerate(self.checkboxes):
                cb.value = i in indices
        else:
            self.radio.value = self.radio.options[indices[0]] if indices else None

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        chosen = self.selected()
        if not chosen:
            self.feedback.value = ""
            self.show_error("请先选择答案，再点击「提交答案」。")
            return
        self.clear_status()
        self.attempts += 1
        right = chosen == self.question.correct_set
        if self.first_correct is None:
            self.first_correct = right
        self.feedback.value = self._feedback_html(right)
        if self.on_answer is not None:
            self.on_answer()

    def _feedback_html(self, right: bool) -> str:
        q = self.question
        text = "✔ 回答正确！" if right else f"✘ 还不对。正确答案是：{esc(q.right_answer_text())}。"
        if q.explanation:
            text += f"<br>解析：{esc(q.explanation)}"
        if self.attempts > 1:
            text += f"<br><small>（第 {self.attempts} 次作答，得分按第一次作答计算）</small>"
        html_text = ok_html(text) if right else bad_html(text)
        if q.clause:
            html_text += clause_quote_html(q.clause)
        return html_text


class Quiz(TeachingWidget):
    """A list of questions with a running score (``self.score_label``, :attr:`score`)."""

    kind_zh = "自测题"

    def __init__(self, questions: list[Question], title: str = "自我检测"):
        super().__init__()
        if not questions:
            raise InputError("<quiz>", "questions", "at least one question", "至少需要一道题")
        self.cards = [
            QuestionCard(q, number=i + 1, on_answer=self._update_score)
            for i, q in enumerate(questions)
        ]
        self.title = widgets.HTML(f"<h4>{esc(title)}</h4>")
        self.score_label = widgets.HTML("")
        self._update_score()
        self.children = [self.title, *self.cards, self.score_label, self.status]

    @property
    def score(self) -> tuple[int, int, int]:
        """(right on first attempt, answered, total)."""
        answered = [c.first_correct for c in self.cards if c.first_correct is not None]
        return sum(answered), len(answered), len(self.cards)

    def _update_score(self) -> None:
        right, answered, total = self.score
        text = f"得分：{right} / {total}（已作答 {answered} 题）"
        if answered == total:
            text += "　全部完成！" if right == total else "　可以回看解析，再读一遍相关条款。"
        self.score_label.value = f"<b>{text}</b>"


def load_quiz(path) -> Quiz:
    """A :class:`Quiz` from a YAML file, so that trainers can adapt questions without Python::

        title: 自我检测
        questions:
          - prompt: 联名提出协商事项，至少需要多少村民？
            choices: [十分之一以上, 五分之一以上, 过半数]
            correct: 0            # or a list such as [0, 1] for multiple choice
            explanation: 十分之一以上村（居）民联名……
            clause: §1.f          # optional

    Bad files raise :class:`InputError` naming the file and the field (``questions[2].correct``).
    """
    from xsim.io import load_yaml_file

    source = str(path)
    data = load_yaml_file(path).data  # plain YAML 1.2 data; every problem is an InputError
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise InputError(source, "questions", "a list of questions", "应有 questions 列表")
    allowed = {"prompt", "choices", "correct", "explanation", "clause"}
    questions = []
    for i, item in enumerate(data["questions"]):
        where = f"questions[{i}]"
        if not isinstance(item, dict):
            raise InputError(source, where, "a mapping of fields", "应为字段映射（键: 值）")
        unknown = sorted(set(item) - allowed)
        if unknown:
            raise InputError(
                source,
                f"{where}.{unknown[0]}",
                f"unknown field; valid: {', '.join(sorted(allowed))}",
                f"未知字段；可用字段：{', '.join(sorted(allowed))}",
            )
        for key, kind, zh in (("prompt", str, "文字"), ("choices", list, "列表")):
            if not isinstance(item.get(key), kind):
                raise InputError(source, f"{where}.{key}", f"a {kind.__name__}", f"应为{zh}")
        correct = item.get("correct")
        ok = (isinstance(correct, int) and not isinstance(correct, bool)) or (
            isinstance(correct, list)
            and all(isinstance(c, int) and not isinstance(c, bool) for c in correct)
        )
        if not ok:
            raise InputError(
                source,
                f"{where}.correct",
                "an index or a list of indices",
                "应为选项序号（从0开始）或序号列表",
            )
        try:
            questions.append(
                Question(
                    str(item["prompt"]),
                    [str(c) for c in item["choices"]],
                    correct,
                    str(item.get("explanation", "")),
                    item.get("clause"),
                )
            )
        except InputError as err:
            raise InputError(
                source, f"{where}.{err.field}", err.expected_en, err.expected_zh
            ) from None
    return Quiz(questions, title=str(data.get("title", "自我检测")))
