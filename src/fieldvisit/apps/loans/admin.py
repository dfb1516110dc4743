from django.contrib import admin

from fieldvisit.apps.loans.models import Borrower, Installment, Loan, Payment, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["code", "name", "name_en", "method"]


@admin.register(Borrower)
class BorrowerAdmin(admin.ModelAdmin[Borrower]):
    # Personal information is not listed in the admin; it is revealed, audited, on the case page.
    list_display = ["borrower_no", "home_district", "employment_type", "income_band"]
    search_fields = ["borrower_no"]
    exclude = ["id_number", "phone", "home_address", "work_address"]


class InstallmentInline(admin.TabularInline[Installment, Loan]):
    model = Installment
    extra = 0


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin[Loan]):
    list_display = ["loan_no", "product", "branch", "principal", "annual_rate", "status"]
    list_filter = ["product", "branch", "status", "method"]
    search_fields = ["loan_no"]
    raw_id_fields = ["borrower"]
    inlines = [InstallmentInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ["reference", "loan", "paid_on", "amount", "channel"]
    search_fields = ["reference"]
    raw_id_fields = ["loan"]
    date_hierarchy = "paid_on"
