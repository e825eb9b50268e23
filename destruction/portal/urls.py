from django.urls import path

from destruction.portal import views

app_name = "right-holder"

urlpatterns = [
    path("right-holder/", views.HomeView.as_view(), name="home"),
    path("right-holder/cases/<int:pk>/", views.CaseView.as_view(), name="case"),
    *(
        path(
            f"right-holder/cases/<int:pk>/{name}/",
            views.AnswerView.as_view(answer_name=name),
            name=f"case-{name}",
        )
        for name in views.ANSWERS
    ),
]
